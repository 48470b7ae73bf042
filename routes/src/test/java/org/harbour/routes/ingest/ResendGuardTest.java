package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.MessageStore;
import org.junit.jupiter.api.Test;

/**
 * The resend check's memory of keys just enqueued: a resend of one is recognised without the
 * database; past its bound the oldest keys are forgotten first, and old ones go by age.
 */
class ResendGuardTest {

    private static final Instant NOON = Instant.parse("2026-12-03T04:00:00Z");

    private final DuplicateWindow window = new DuplicateWindow(Period.ofDays(7));
    private final AtomicInteger queries = new AtomicInteger();
    private final Clock clock = Clock.fixed(NOON, ZoneOffset.ofHours(8));

    /** An empty key table that counts the questions it is asked. */
    private final MessageStore emptyStore = new MessageStore(null, null, window, clock) {
        @Override
        public Optional<Instant> acceptedWithinWindow(String key, String fingerprint, Instant at) {
            queries.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public void forEachKeySince(Instant since, Consumer<String> action) {
            // nothing stored yet
        }
    };

    private ResendGuard guard(int maxRecent) {
        ResendGuard guard = new ResendGuard(emptyStore, window, Duration.ofMinutes(5), clock, 10_000, maxRecent);
        guard.refreshFilter();
        return guard;
    }

    @Test
    void aKeyJustEnqueuedIsARecognisedResendWithoutAQuery() {
        ResendGuard guard = guard(100);
        guard.enqueued("QMH|20261203-0001", "F", NOON.minusSeconds(2));

        assertThat(guard.isResend("QMH|20261203-0001", "F", NOON)).isTrue();
        assertThat(guard.isResend("QMH|20261203-0002", "F", NOON)).isFalse();
        assertThat(queries).hasValue(0);
    }

    @Test
    void theSameKeyWithOtherContentIsNotAResend() {
        ResendGuard guard = guard(100);
        guard.enqueued("KWC|LIS|0001", "lab-result", NOON.minusSeconds(2));

        // another message under a control id already used: a collision, for the store stage to keep
        assertThat(guard.inMemory("KWC|LIS|0001", "other-result", NOON)).isEqualTo(ResendGuard.Known.NEW);
        assertThat(guard.isResend("KWC|LIS|0001", "lab-result", NOON)).isTrue();
        assertThat(queries).hasValue(0);
    }

    @Test
    void pastItsBoundTheOldestKeysAreForgottenFirstAndTheNewestKept() {
        ResendGuard guard = guard(3);
        for (int i = 1; i <= 5; i++) {
            guard.enqueued("PYN|" + i, "F", NOON.minusSeconds(10 - i));
        }

        assertThat(guard.remembered()).isEqualTo(3);
        assertThat(guard.inMemory("PYN|3", "F", NOON)).isEqualTo(ResendGuard.Known.RESEND);
        assertThat(guard.inMemory("PYN|5", "F", NOON)).isEqualTo(ResendGuard.Known.RESEND);
        // forgotten by memory, still in the filter: the database settles it (the store stage is idempotent)
        assertThat(guard.inMemory("PYN|1", "F", NOON)).isEqualTo(ResendGuard.Known.ASK_THE_DATABASE);
        assertThat(guard.inMemory("PYN|2", "F", NOON)).isEqualTo(ResendGuard.Known.ASK_THE_DATABASE);
    }

    @Test
    void aKeyEnqueuedAgainIsRememberedWithItsNewTime() {
        ResendGuard guard = guard(2);
        guard.enqueued("TKO|7", "F", NOON.minusSeconds(30));
        guard.enqueued("TKO|8", "F", NOON.minusSeconds(20));
        guard.enqueued("TKO|7", "F", NOON.minusSeconds(10));

        // the first TKO|7 went, as the oldest; its second enqueueing is still remembered
        assertThat(guard.remembered()).isEqualTo(2);
        assertThat(guard.inMemory("TKO|7", "F", NOON)).isEqualTo(ResendGuard.Known.RESEND);
        assertThat(guard.inMemory("TKO|8", "F", NOON)).isEqualTo(ResendGuard.Known.RESEND);
    }

    @Test
    void housekeepingForgetsKeysOlderThanTheRetentionAndKeepsTheRest() {
        ResendGuard guard = guard(100);
        guard.enqueued("KWH|old", "F", NOON.minus(Duration.ofMinutes(6)));
        guard.enqueued("KWH|new", "F", NOON.minus(Duration.ofMinutes(4)));

        guard.forgetOld();

        assertThat(guard.remembered()).isEqualTo(1);
        assertThat(guard.inMemory("KWH|old", "F", NOON)).isEqualTo(ResendGuard.Known.ASK_THE_DATABASE);
        assertThat(guard.inMemory("KWH|new", "F", NOON)).isEqualTo(ResendGuard.Known.RESEND);
    }
}
