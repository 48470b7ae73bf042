package org.harbour.routes.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the data directory (broker journal and paging, embedded database) has room for more
 * messages. Below {@code minFree} bytes free, ingest answers AR 207 (not stored, send it again
 * later) instead of taking messages the journal may be unable to write: a sender resends, nothing
 * acknowledged is at risk. Free space is read at most once a second.
 */
public class DiskGuard {

    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final LongSupplier freeBytes;
    private final long minFree;
    private final LongSupplier clock;
    private volatile long checkedAt;
    private volatile boolean low;
    private volatile boolean checked;

    /** Watches the file system of {@code dataDir}. */
    public DiskGuard(Path dataDir, long minFree) {
        this(() -> usable(dataDir), minFree, System::nanoTime);
    }

    /** @param freeBytes free bytes now; @param clock nanoseconds, for the once-a-second reading */
    DiskGuard(LongSupplier freeBytes, long minFree, LongSupplier clock) {
        this.freeBytes = freeBytes;
        this.minFree = minFree;
        this.clock = clock;
    }

    /** True while the free space is below the minimum. */
    public boolean low() {
        long now = clock.getAsLong();
        if (!checked || now - checkedAt > RECHECK_NANOS) {
            boolean was = low;
            long free = freeBytes.getAsLong();
            low = free >= 0 && free < minFree;
            checkedAt = now;
            checked = true;
            if (low != was) {
                if (low) {
                    LOG.error("The data directory has {} MB free, below the minimum of {} MB: ingest answers AR 207"
                            + " (senders resend later) until there is room", free >> 20, minFree >> 20);
                } else {
                    LOG.warn("The data directory has {} MB free again: ingest takes messages", free >> 20);
                }
            }
        }
        return low;
    }

    /** The minimum, in bytes. */
    public long minFree() {
        return minFree;
    }

    private static long usable(Path dir) {
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }
}
