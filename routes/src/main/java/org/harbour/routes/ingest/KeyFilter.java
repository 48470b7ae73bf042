package org.harbour.routes.ingest;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Bloom filter over message keys: answers "certainly never seen" or "perhaps seen". Ingest asks
 * it before the database, so a new message (the usual case) costs no query; a "perhaps" is
 * settled by the database. Thread-safe; keys can be added while others ask.
 *
 * <p>Sized for {@code capacity} keys at about 1 % false positives (10 bits and 7 probes a key).
 * Past its capacity it still never answers "never seen" wrongly; it only sends more questions
 * to the database, and {@link #full()} tells the owner to rebuild it.
 */
final class KeyFilter {

    private static final int BITS_PER_KEY = 10;
    private static final int PROBES = 7;

    private final AtomicLongArray words;
    private final long bits;
    private final long capacity;
    private final AtomicLong added = new AtomicLong();

    KeyFilter(long capacity) {
        this.capacity = Math.max(1024, capacity);
        long wordCount = (this.capacity * BITS_PER_KEY + 63) / 64;
        if (wordCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("filter capacity too large: " + capacity);
        }
        this.words = new AtomicLongArray((int) wordCount);
        this.bits = wordCount * 64;
    }

    void add(String key) {
        long hash = hash(key);
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 1; i <= PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bits;
            int word = (int) (bit >>> 6);
            long mask = 1L << bit;
            long current;
            while (((current = words.get(word)) & mask) == 0 && !words.compareAndSet(word, current, current | mask)) {
                Thread.onSpinWait();
            }
        }
        added.incrementAndGet();
    }

    boolean mightContain(String key) {
        long hash = hash(key);
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 1; i <= PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bits;
            if ((words.get((int) (bit >>> 6)) & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** True once more keys were added than the filter was sized for. */
    boolean full() {
        return added.get() > capacity;
    }

    long capacity() {
        return capacity;
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then a final mix so both halves are well spread. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe1a85ec3L;
        h ^= h >>> 33;
        return h;
    }
}
