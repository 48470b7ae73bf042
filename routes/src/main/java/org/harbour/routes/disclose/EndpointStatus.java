package org.harbour.routes.disclose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The state of each recipient's endpoint as delivery found it: usable, held back until a time
 * (the service asked us to wait), or misconfigured (bad secret, token gone) until an operator
 * resumes it. A delivery waits here instead of sending, so a broken endpoint gets no retry storm
 * and its queue keeps every message.
 */
public class EndpointStatus {

    /** What an endpoint's state is, for operators. */
    public record State(String misconfigured, Instant heldUntil) {
        public boolean usable(Instant now) {
            return misconfigured == null && (heldUntil == null || !now.isBefore(heldUntil));
        }
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Clock clock;

    public EndpointStatus(Clock clock) {
        this.clock = clock;
    }

    public State state(String recipient) {
        return states.getOrDefault(recipient, new State(null, null));
    }

    public void misconfigured(String recipient, String reason) {
        states.compute(recipient, (k, s) -> new State(reason, s == null ? null : s.heldUntil()));
    }

    public void holdUntil(String recipient, Instant until) {
        states.compute(recipient, (k, s) -> new State(s == null ? null : s.misconfigured(), until));
    }

    /** An operator fixed the endpoint: deliveries go on. */
    public void resume(String recipient) {
        states.remove(recipient);
        synchronized (this) {
            notifyAll();
        }
    }

    public boolean isMisconfigured(String recipient) {
        return state(recipient).misconfigured() != null;
    }

    /**
     * Waits while the endpoint is not usable; returns false if {@code stopping} says to give up
     * (the hub is shutting down: the message stays queued).
     */
    public boolean awaitUsable(String recipient, BooleanSupplier stopping) throws InterruptedException {
        while (!state(recipient).usable(clock.instant())) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            State s = state(recipient);
            long wait = s.misconfigured() != null || s.heldUntil() == null ? 1000
                    : Math.min(1000, Math.max(1, Duration.between(clock.instant(), s.heldUntil()).toMillis()));
            synchronized (this) {
                wait(wait);
            }
        }
        return true;
    }
}
