package org.harbour.routes.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdTest {

    @Test
    void idsAreVersionSevenUuidsCarryingTheirMillisecond() {
        long at = 1_796_169_600_000L; // 2026-12-02T00:00:00Z
        UUID id = UUID.fromString(MessageStore.timeOrderedId(at, -1L, -1L));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at);
        // the random bits never spill into the timestamp, version or variant
        UUID zero = UUID.fromString(MessageStore.timeOrderedId(at, 0L, 0L));
        assertThat(zero.version()).isEqualTo(7);
        assertThat(zero.variant()).isEqualTo(2);
        assertThat(zero.getMostSignificantBits() >>> 16).isEqualTo(at);
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        List<String> ids = new ArrayList<>();
        for (long ms = 1_796_169_600_000L; ms < 1_796_169_600_000L + 5_000; ms += 7) {
            ids.add(MessageStore.timeOrderedId(ms, ms * 31, ~ms));
        }
        assertThat(ids).isSorted();
    }

    @Test
    void freshIdsAreDistinctAndFollowTheClock() {
        int count = 10_000;
        long before = System.currentTimeMillis();
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String id = MessageStore.newId();
            assertThat(seen.add(id)).isTrue();
            long ms = UUID.fromString(id).getMostSignificantBits() >>> 16;
            // at most 4,096 ids a millisecond: faster than that, the ids run ahead of the clock
            assertThat(ms).isBetween(before, System.currentTimeMillis() + count / 4096 + 1);
        }
    }

    @Test
    void everyFreshIdSortsAfterTheOnesMadeBeforeItEvenWithinOneMillisecond() throws Exception {
        List<String> made = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            runs.add(threads.submit(() -> {
                String previous = "";
                for (int i = 0; i < 20_000; i++) {
                    String id = MessageStore.newId();
                    // within one thread: made later, sorts later, as text
                    assertThat(id).isGreaterThan(previous);
                    previous = id;
                    made.add(id);
                }
            }));
        }
        for (java.util.concurrent.Future<?> run : runs) {
            run.get(); // rethrows a thread's failed assertion
        }
        threads.shutdown();
        assertThat(new HashSet<>(made)).hasSize(made.size());
        // many ids shared a millisecond: only the counter kept them in order
        long distinctMillis = made.stream().mapToLong(id -> UUID.fromString(id).getMostSignificantBits() >>> 16)
                .distinct().count();
        assertThat(distinctMillis).isLessThan(made.size());
    }
}
