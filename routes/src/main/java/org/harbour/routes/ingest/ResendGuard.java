package org.harbour.routes.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.MessageStore;

/**
 * Recognises a resend (the same key and content, MSH-7 aside, within the duplicate window) before
 * it is enqueued again. A message under a known key with other content is not a resend (a
 * control-id collision): it is enqueued, and the store stage keeps it as its own message.
 * Keys are remembered with their content ({@link MessageStore#keyAndContent}).
 *
 * <p>Two sources: the message store's key table, which is persistent and survives restarts,
 * and a short in-memory list of keys enqueued but perhaps not yet recorded by the store stage.
 * A resend that slips between the two (a crash right after enqueueing) is enqueued twice and
 * stored once: the store stage is idempotent on the same key.
 *
 * <p>Most messages are new, so a Bloom filter over every key of the window ({@link KeyFilter},
 * loaded from the key table at start and rebuilt when full) answers "never seen" without a
 * query; only a "perhaps seen" goes to the database. Until the filter is loaded, every message
 * is checked in the database.
 */
public class ResendGuard {

    private static final int MAX_RECENT = 200_000;

    private final MessageStore store;
    private final DuplicateWindow window;
    private final Duration recentRetention;
    private final Clock clock;
    private final long filterCapacity;
    private final int maxRecent;
    private final Map<String, Instant> recent = new ConcurrentHashMap<>();
    /**
     * The remembered keys in the order they were enqueued, so forgetting the oldest costs only
     * what is forgotten (a scan of the whole map on every enqueue once it was full, as before,
     * took a third of ingest's CPU at 10,000 messages a second).
     */
    private final Queue<Remembered> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger remembered = new AtomicInteger();
    private volatile KeyFilter filter;
    private volatile KeyFilter loading;

    public ResendGuard(MessageStore store, DuplicateWindow window, Duration recentRetention, Clock clock,
            long filterCapacity) {
        this(store, window, recentRetention, clock, filterCapacity, MAX_RECENT);
    }

    /**
     * @param maxRecent how many enqueued keys are remembered at most: past it the oldest are
     *     forgotten first (a resend of one the store stage has not recorded yet is then enqueued
     *     again, and stored once)
     */
    ResendGuard(MessageStore store, DuplicateWindow window, Duration recentRetention, Clock clock,
            long filterCapacity, int maxRecent) {
        this.maxRecent = maxRecent;
        this.store = store;
        this.window = window;
        this.recentRetention = recentRetention;
        this.clock = clock;
        this.filterCapacity = filterCapacity;
    }

    /** What the checks in memory can tell about a key. */
    public enum Known {
        RESEND, NEW, ASK_THE_DATABASE
    }

    /** True when a message with this key and content was already accepted within the window. */
    public boolean isResend(String key, String fingerprint, Instant receivedAt) {
        Known known = inMemory(key, fingerprint, receivedAt);
        return known == Known.ASK_THE_DATABASE ? inDatabase(key, fingerprint, receivedAt) : known == Known.RESEND;
    }

    /** The answer from memory alone (no query): most keys are new and the filter says so. */
    public Known inMemory(String key, String fingerprint, Instant receivedAt) {
        String both = MessageStore.keyAndContent(key, fingerprint);
        Instant enqueued = recent.get(both);
        if (enqueued != null && window.contains(enqueued, receivedAt)) {
            return Known.RESEND;
        }
        KeyFilter known = filter;
        return known != null && !known.mightContain(both) ? Known.NEW : Known.ASK_THE_DATABASE;
    }

    /** The answer from the message store's key table (a query: may wait for a database connection). */
    public boolean inDatabase(String key, String fingerprint, Instant receivedAt) {
        return store.acceptedWithinWindow(key, fingerprint, receivedAt).isPresent();
    }

    /** Remembers a key and content just enqueued, until the store stage has surely recorded them. */
    public void enqueued(String key, String fingerprint, Instant receivedAt) {
        String both = MessageStore.keyAndContent(key, fingerprint);
        recent.put(both, receivedAt);
        order.add(new Remembered(both, receivedAt));
        addToFilters(both);
        if (remembered.incrementAndGet() > maxRecent) {
            forget(Instant.MIN, maxRecent);
        }
    }

    /** A key as it was remembered (a key enqueued again is remembered again, with its new time). */
    private record Remembered(String key, Instant at) {
    }

    /** Drops remembered keys old enough for the store to answer for them. */
    public void forgetOld() {
        forget(clock.instant().minus(recentRetention), Integer.MAX_VALUE);
    }

    /**
     * Loads the filter from the key table when there is none yet or the current one is full
     * (the window's keys, so expired ones leave it). Returns true when it (re)built the filter.
     */
    public synchronized boolean refreshFilter() {
        KeyFilter current = filter;
        if (current != null && !current.full()) {
            return false;
        }
        long capacity = Math.max(filterCapacity, current == null ? 0 : current.capacity() * 2);
        KeyFilter next = new KeyFilter(capacity);
        loading = next;
        try {
            store.forEachKeySince(window.start(clock.instant()), next::add);
            recent.keySet().forEach(next::add);
            filter = next;
        } finally {
            loading = null;
        }
        return true;
    }

    private void addToFilters(String key) {
        KeyFilter next = loading;
        if (next != null) {
            next.add(key);
        }
        KeyFilter current = filter;
        if (current != null) {
            current.add(key);
        }
    }

    /**
     * Forgets the oldest keys while they were enqueued before {@code cutoff}, or while more than
     * {@code keep} are remembered. Keys arrive roughly in time order; one enqueued a little out of
     * order is forgotten a little late or early, which only means one more or one fewer query.
     */
    private void forget(Instant cutoff, int keep) {
        Remembered oldest;
        while ((oldest = order.peek()) != null && (oldest.at().isBefore(cutoff) || remembered.get() > keep)) {
            // another thread may have taken that one meanwhile: then this takes the next, as good
            Remembered taken = order.poll();
            if (taken == null) {
                return;
            }
            remembered.decrementAndGet();
            recent.remove(taken.key(), taken.at());
        }
    }

    /** How many enqueued keys are remembered now. */
    int remembered() {
        return remembered.get();
    }
}
