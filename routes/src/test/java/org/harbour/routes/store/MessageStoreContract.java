package org.harbour.routes.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestDatabase;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The message store's behaviour, run against each supported database: the same Flyway
 * migrations, the same queries.
 */
abstract class MessageStoreContract implements TestDatabase {

    private static final Instant T0 = Instant.parse("2026-11-22T01:30:00Z");

    protected MessageStore store;
    protected JdbcTemplate jdbc;

    @BeforeEach
    void migrate() {
        DataSource dataSource = freshDatabase();
        Flyway flyway = flyway(dataSource);
        flyway.migrate();
        for (MigrationInfo migration : flyway.info().all()) {
            assertThat(migration.getState()).as(migration.getScript()).isEqualTo(MigrationState.SUCCESS);
        }
        jdbc = new JdbcTemplate(dataSource);
        store = new MessageStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new DuplicateWindow(Period.ofDays(7)), Clock.fixed(T0, ZoneId.of("Asia/Hong_Kong")));
    }

    private static InboundMessage message(String sender, String controlId, Instant receivedAt, String body) {
        return new InboundMessage(MessageStore.newId(), controlId, sender, "MEDILINK", "ORU^R01", "2.5.1", receivedAt,
                "/10.0.0.8:40000", "mllp", "UTF-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private long count(MessageQuery query) {
        return store.count(query);
    }

    private static MessageQuery bySender(String sender) {
        return new MessageQuery(null, sender, null, null, null, 0, 50);
    }

    @Test
    void acceptedMessageIsStoredWithItsMetadataAndBytes() {
        byte[] raw = "MSH|^~\\&|陳大文".getBytes(StandardCharsets.UTF_8);
        InboundMessage m = new InboundMessage(MessageStore.newId(), "C1", "KWC", "MEDILINK", "ORU^R01", "2.5.1", T0,
                "/10.0.0.8:40000", "mllp", "UTF-8", raw);
        assertThat(store.storeAccepted(m).outcome()).isEqualTo(StoreOutcome.STORED);
        StoredMessage stored = store.get(m.id()).orElseThrow();
        assertThat(stored.controlId()).isEqualTo("C1");
        assertThat(stored.status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(stored.receivedAt()).isEqualTo(T0);
        assertThat(stored.sizeBytes()).isEqualTo(raw.length);
        assertThat(store.raw(m.id())).contains(raw);
    }

    @Test
    void sameSenderAndControlIdWithinTheWindowIsStoredOnceAndCounted() {
        InboundMessage first = message("KWC", "C1", T0, "a");
        assertThat(store.storeAccepted(first).outcome()).isEqualTo(StoreOutcome.STORED);
        assertThat(store.storeAccepted(message("KWC", "C1", T0.plus(Duration.ofDays(6)), "a")).outcome()).isEqualTo(StoreOutcome.DUPLICATE);
        assertThat(store.storeAccepted(first).outcome()).as("redelivery of the same message").isEqualTo(StoreOutcome.REDELIVERED);
        assertThat(count(bySender("KWC"))).isEqualTo(1);
        assertThat(store.get(first.id()).orElseThrow().duplicates()).as("a redelivery is not a duplicate").isEqualTo(1);
    }

    @Test
    void sameControlIdFromAnotherSenderIsADifferentMessage() {
        assertThat(store.storeAccepted(message("KWC", "C1", T0, "a")).outcome()).isEqualTo(StoreOutcome.STORED);
        assertThat(store.storeAccepted(message("QEH", "C1", T0, "b")).outcome()).isEqualTo(StoreOutcome.STORED);
    }

    @Test
    void controlIdReusedAfterTheWindowIsStoredAgain() {
        assertThat(store.storeAccepted(message("KWC", "C1", T0, "a")).outcome()).isEqualTo(StoreOutcome.STORED);
        String fingerprint = message("KWC", "C1", T0, "a").fingerprint();
        assertThat(store.acceptedWithinWindow("MEDILINK|KWC|C1", fingerprint, T0.plus(Duration.ofDays(6)))).isPresent();
        assertThat(store.acceptedWithinWindow("MEDILINK|KWC|C1", fingerprint, T0.plus(Duration.ofDays(8)))).isEmpty();
        assertThat(store.acceptedWithinWindow("MEDILINK|KWC|C1", "other", T0.plus(Duration.ofDays(6)))).isEmpty();
        assertThat(store.storeAccepted(message("KWC", "C1", T0.plus(Duration.ofDays(8)), "b")).outcome()).isEqualTo(StoreOutcome.STORED);
        assertThat(count(bySender("KWC"))).isEqualTo(2);
    }

    private static final String LAB = "MSH|^~\\&|%s|KWC|HARBOUR|HUB|%s||ORU^R01|KWC-1001|P|2.5.1\r"
            + "PID|1||A1234563^^^HKID^NNHKG||陳^大文||19650312|M\r"
            + "OBX|1|NM|2345-7^Glucose^LN||%s|mmol/L|||||F\r";

    private static InboundMessage lab(String application, String time, String glucose) {
        return new InboundMessage(MessageStore.newId(), "KWC-1001", "KWC", application, "ORU^R01", "2.5.1", T0,
                "/10.0.0.8:40000", "mllp", "UTF-8", LAB.formatted(application, time, glucose)
                        .getBytes(StandardCharsets.UTF_8), application + "|KWC|KWC-1001");
    }

    @Test
    void aResendWithANewMessageTimeIsStoredOnce() {
        assertThat(store.storeAccepted(lab("LIS", "20261203093000+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.STORED);
        assertThat(store.storeAccepted(lab("LIS", "20261203094500+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.DUPLICATE);
        assertThat(count(bySender("KWC"))).isEqualTo(1);
    }

    @Test
    void twoApplicationsOfOneFacilityWithTheSameControlIdAreTwoMessages() {
        assertThat(store.storeAccepted(lab("LIS", "20261203093000+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.STORED);
        assertThat(store.storeAccepted(lab("RIS", "20261203093000+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.STORED);
        assertThat(count(bySender("KWC"))).isEqualTo(2);
    }

    @Test
    void sameKeyWithOtherContentIsACollisionStoredAndFlagged() {
        InboundMessage first = lab("LIS", "20261203093000+0800", "5.6");
        InboundMessage other = lab("LIS", "20261203100000+0800", "7.9");
        assertThat(store.storeAccepted(first)).isEqualTo(new MessageStore.Recorded(StoreOutcome.STORED, 0, null));
        assertThat(store.storeAccepted(other))
                .isEqualTo(new MessageStore.Recorded(StoreOutcome.COLLISION, 1, first.id()));
        // each of the two is recognised again as itself: resent, redelivered
        assertThat(store.storeAccepted(lab("LIS", "20261203110000+0800", "7.9")))
                .isEqualTo(new MessageStore.Recorded(StoreOutcome.DUPLICATE, 1, null));
        assertThat(store.storeAccepted(other)).isEqualTo(new MessageStore.Recorded(StoreOutcome.REDELIVERED, 1, null));
        assertThat(store.storeAccepted(lab("LIS", "20261203110000+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.DUPLICATE);

        assertThat(store.get(other.id()).orElseThrow().collisionOf()).isEqualTo(first.id());
        assertThat(store.get(other.id()).orElseThrow().resendKey()).isEqualTo("LIS|KWC|KWC-1001");
        assertThat(store.get(first.id()).orElseThrow().collisionOf()).isNull();
        assertThat(store.find(new MessageQuery(null, null, null, null, null, 0, 50, true)))
                .extracting(StoredMessage::id).containsExactly(other.id());
        assertThat(count(bySender("KWC"))).isEqualTo(2);
    }

    @Test
    void aCollisionIsRecognisedAfterARestart() {
        InboundMessage first = lab("LIS", "20261203093000+0800", "5.6");
        store.storeAccepted(first);
        // a new store on the same database, as after a restart: the key table is all it knows
        MessageStore restarted = new MessageStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(
                jdbc.getDataSource())), new DuplicateWindow(Period.ofDays(7)), Clock.fixed(T0, ZoneId.of("Asia/Hong_Kong")));
        assertThat(restarted.storeAccepted(lab("LIS", "20261203100000+0800", "7.9")))
                .extracting(MessageStore.Recorded::outcome, MessageStore.Recorded::collidesWith)
                .containsExactly(StoreOutcome.COLLISION, first.id());
        assertThat(restarted.storeAccepted(lab("LIS", "20261203120000+0800", "5.6")).outcome())
                .isEqualTo(StoreOutcome.DUPLICATE);
    }

    @Test
    void aKeyRecordedBeforeContentsWereIsTakenForAResend() {
        InboundMessage first = lab("LIS", "20261203093000+0800", "5.6");
        store.storeAccepted(first);
        jdbc.update("UPDATE message_key SET content_hash = ''");
        assertThat(store.storeAccepted(lab("LIS", "20261203100000+0800", "7.9")).outcome())
                .isEqualTo(StoreOutcome.DUPLICATE);
    }

    @Test
    void aRejectedMessageWithFieldsLongerThanTheColumnsIsKeptWithAllItsBytes() {
        String longId = "9".repeat(5_000);
        String longSender = "陳".repeat(3_000);
        byte[] raw = ("MSH|^~\\&|" + longSender + "|" + longSender + "|||2026||ORU^R01|" + longId + "|P|2.5.1\r")
                .getBytes(StandardCharsets.UTF_8);
        InboundMessage bad = new InboundMessage(MessageStore.newId(), longId, longSender, longSender,
                "ORU^R01^" + "X".repeat(500), "2.5.1" + "1".repeat(100), T0, "/10.0.0.9:" + "1".repeat(400),
                "mllp", "x".repeat(100), raw, longSender + "|" + longId);
        store.keepRejected(bad, "MSH-10 message control id is longer than 199 characters " + "!".repeat(3000));
        StoredMessage kept = store.get(bad.id()).orElseThrow();
        assertThat(kept.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(kept.controlId()).hasSize(199).isEqualTo(longId.substring(0, 199));
        assertThat(kept.sender()).hasSize(500);
        assertThat(kept.reason()).hasSize(2000).startsWith("MSH-10 message control id is longer");
        assertThat(store.raw(bad.id())).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(raw));
    }

    @Test
    void concurrentDeliveriesOfOneMessageStoreItOnce() throws Exception {
        int copies = 8;
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StoreOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            InboundMessage copy = message("RACE", "R1", T0, "same");
            Callable<StoreOutcome> task = () -> {
                go.await();
                return store.storeAccepted(copy).outcome();
            };
            outcomes.add(pool.submit(task));
        }
        go.countDown();
        List<StoreOutcome> results = new ArrayList<>();
        for (Future<StoreOutcome> f : outcomes) {
            results.add(f.get());
        }
        pool.shutdown();
        assertThat(results).containsOnlyOnce(StoreOutcome.STORED);
        assertThat(count(bySender("RACE"))).isEqualTo(1);
    }

    @Test
    void rejectedMessageIsKeptWithReasonAndBytes() {
        InboundMessage bad = new InboundMessage(MessageStore.newId(), null, null, null, null, null, T0,
                "/10.0.0.9:1234", "mllp", null, "PID|1".getBytes(StandardCharsets.UTF_8));
        store.keepRejected(bad, "message does not start with an MSH segment");
        StoredMessage kept = store.get(bad.id()).orElseThrow();
        assertThat(kept.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(kept.reason()).isEqualTo("message does not start with an MSH segment");
        assertThat(store.raw(bad.id())).contains("PID|1".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void searchFiltersByEachCriterionAndPagesNewestFirst() {
        store.storeAccepted(message("KWC", "A1", T0, "1"));
        store.storeAccepted(new InboundMessage(MessageStore.newId(), "A2", "KWC", "PAS", "ADT^A01", "2.5",
                T0.plusSeconds(60), "/x", "mllp", "UTF-8", new byte[] {1}));
        store.storeAccepted(message("QEH", "B1", T0.plusSeconds(120), "3"));
        store.keepRejected(message("KWC", "A3", T0.plusSeconds(180), "4"), "bad");

        assertThat(store.find(new MessageQuery("A2", null, null, null, null, 0, 50)))
                .extracting(StoredMessage::controlId).containsExactly("A2");
        assertThat(store.find(new MessageQuery(null, "KWC", null, null, null, 0, 50)))
                .extracting(StoredMessage::controlId).containsExactly("A3", "A2", "A1");
        assertThat(store.find(new MessageQuery(null, null, "ADT", null, null, 0, 50)))
                .extracting(StoredMessage::controlId).containsExactly("A2");
        assertThat(store.find(new MessageQuery(null, null, "ORU^R01", MessageStatus.RECEIVED, null, 0, 50)))
                .extracting(StoredMessage::controlId).containsExactly("B1", "A1");
        assertThat(store.find(new MessageQuery(null, null, null, null, T0.plusSeconds(90), 0, 50)))
                .extracting(StoredMessage::controlId).containsExactly("A3", "B1");
        assertThat(store.find(new MessageQuery(null, null, null, null, null, 1, 2)))
                .extracting(StoredMessage::controlId).containsExactly("A2", "A1");
        assertThat(store.count(new MessageQuery(null, null, null, null, null, 0, 2))).isEqualTo(4);
    }

    @Test
    void tenMegabytePayloadRoundTrips() {
        byte[] big = new byte[10 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('A' + i % 26);
        }
        InboundMessage m = new InboundMessage(MessageStore.newId(), "BIG", "KWC", "X", "ORU^R01", "2.5", T0, "/x",
                "mllp", "UTF-8", big);
        store.storeAccepted(m);
        assertThat(store.raw(m.id())).hasValueSatisfying(raw -> assertThat(raw).isEqualTo(big));
    }
}
