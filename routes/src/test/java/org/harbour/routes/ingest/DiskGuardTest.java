package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskGuardTest {

    private final AtomicLong free = new AtomicLong(10L << 30);
    private final AtomicLong nanos = new AtomicLong();
    private final DiskGuard guard = new DiskGuard(free::get, 1L << 30, nanos::get);

    @Test
    void lowBelowTheMinimumAndAgainWhenThereIsRoom() {
        assertThat(guard.low()).isFalse();
        free.set((1L << 30) - 1);
        nanos.addAndGet(1_000_000_001L);
        assertThat(guard.low()).isTrue();
        free.set(2L << 30);
        nanos.addAndGet(1_000_000_001L);
        assertThat(guard.low()).isFalse();
    }

    @Test
    void theFreeSpaceIsReadAtMostOnceASecond() {
        AtomicLong reads = new AtomicLong();
        DiskGuard counted = new DiskGuard(() -> {
            reads.incrementAndGet();
            return free.get();
        }, 1L << 30, nanos::get);
        for (int i = 0; i < 1000; i++) {
            counted.low();
        }
        assertThat(reads).hasValue(1);
        nanos.addAndGet(1_000_000_001L);
        counted.low();
        assertThat(reads).hasValue(2);
    }

    @Test
    void anUnreadableFileSystemDoesNotStopIngest() {
        DiskGuard unknown = new DiskGuard(() -> -1, 1L << 30, nanos::get);
        assertThat(unknown.low()).isFalse();
    }

    @Test
    void theRealDataDirectoryIsReadEvenBeforeItExists() {
        DiskGuard real = new DiskGuard(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "not-yet", "data"),
                1);
        assertThat(real.low()).isFalse();
    }
}
