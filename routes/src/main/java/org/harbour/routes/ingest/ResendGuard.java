package org.harbour.routes.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.MessageStore;

/**
 * Recognises a resend (same sender and control id within the duplicate window) before it is
 * enqueued again.
 *
 * <p>Two sources: the message store's key table, which is persistent and survives restarts,
 * and a short in-memory list of keys enqueued but perhaps not yet recorded by the store stage.
 * A resend that slips between the two (a crash right after enqueueing) is enqueued twice and
 * stored once: the store stage is idempotent on the same key.
 */
public class ResendGuard {

    private static final int MAX_RECENT = 200_000;

    private final MessageStore store;
    private final DuplicateWindow window;
    private final Duration recentRetention;
    private final Clock clock;
    private final Map<String, Instant> recent = new ConcurrentHashMap<>();

    public ResendGuard(MessageStore store, DuplicateWindow window, Duration recentRetention, Clock clock) {
        this.store = store;
        this.window = window;
        this.recentRetention = recentRetention;
        this.clock = clock;
    }

    /** True when a message with this key was already accepted within the window. */
    public boolean isResend(String key, Instant receivedAt) {
        Instant enqueued = recent.get(key);
        if (enqueued != null && window.contains(enqueued, receivedAt)) {
            return true;
        }
        return store.acceptedWithinWindow(key, receivedAt).isPresent();
    }

    /** Remembers a key just enqueued, until the store stage has surely recorded it. */
    public void enqueued(String key, Instant receivedAt) {
        recent.put(key, receivedAt);
        if (recent.size() > MAX_RECENT) {
            forgetOlderThan(clock.instant().minus(Duration.ofMinutes(1)));
        }
    }

    /** Drops remembered keys old enough for the store to answer for them. */
    public void forgetOld() {
        forgetOlderThan(clock.instant().minus(recentRetention));
    }

    private void forgetOlderThan(Instant cutoff) {
        recent.values().removeIf(at -> at.isBefore(cutoff));
    }
}
