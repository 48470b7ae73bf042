package org.harbour.connectors.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * At most {@code limit} sends in any {@code window}: {@link #acquire} waits for a free slot, so a
 * burst queues and nothing is dropped. {@link #pauseUntil} holds every send back (the service
 * said it has limited us). How it waits is a {@link Sleeper}: the monitor's own wait in production
 * (so {@link #pauseUntil} wakes it), a clock moved forward in tests, which then take no real time.
 */
public final class RateLimiter {

    /** Waits for {@code delay} (or less, when woken) while holding {@code monitor}'s lock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Object monitor, Duration delay) throws InterruptedException;

        /** Object.wait on the monitor: real time, woken early by notifyAll. */
        Sleeper WAIT = (monitor, delay) -> monitor.wait(Math.max(1, delay.toMillis()));
    }

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ArrayDeque<Instant> sent = new ArrayDeque<>();
    private final Sleeper sleeper;
    private Instant pausedUntil = Instant.MIN;

    public RateLimiter(int limit, Duration window, Clock clock) {
        this(limit, window, clock, Sleeper.WAIT);
    }

    public RateLimiter(int limit, Duration window, Clock clock, Sleeper sleeper) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Waits until a send is allowed, then counts it. */
    public synchronized void acquire() throws InterruptedException {
        while (true) {
            Instant now = clock.instant();
            while (!sent.isEmpty() && !sent.peekFirst().plus(window).isAfter(now)) {
                sent.pollFirst();
            }
            Instant free = now;
            if (now.isBefore(pausedUntil)) {
                free = pausedUntil;
            } else if (sent.size() >= limit) {
                free = sent.peekFirst().plus(window);
            }
            if (!free.isAfter(now)) {
                sent.addLast(now);
                return;
            }
            sleeper.sleep(this, Duration.between(now, free));
        }
    }

    /** How long the next {@link #acquire} would wait now. */
    public synchronized Duration delay() {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil)) {
            return Duration.between(now, pausedUntil);
        }
        long live = sent.stream().filter(t -> t.plus(window).isAfter(now)).count();
        return live < limit ? Duration.ZERO : Duration.between(now, sent.stream()
                .filter(t -> t.plus(window).isAfter(now)).findFirst().orElseThrow().plus(window));
    }

    public synchronized void pauseUntil(Instant until) {
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
        }
        notifyAll();
    }
}
