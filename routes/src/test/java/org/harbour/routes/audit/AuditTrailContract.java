package org.harbour.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.sql.DataSource;
import org.harbour.routes.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit trail's tamper evidence, on each supported database: an intact chain verifies; an
 * edited, deleted, inserted, reordered or truncated entry is detected and the first bad one named.
 */
abstract class AuditTrailContract implements TestDatabase {

    private DataSource db;
    private JdbcTemplate jdbc;
    private AuditTrail trail;
    private final AuditSigner signer = new AuditSigner(new byte[32]);

    @BeforeEach
    void twentyEntriesAndACheckpointAtFifteen() throws Exception {
        db = freshDatabase();
        flyway(db).migrate();
        jdbc = new JdbcTemplate(db);
        trail = new AuditTrail(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)),
                FhirContext.forR4Cached(), Clock.systemUTC(), signer, Duration.ofSeconds(30));
        for (int i = 1; i <= 20; i++) {
            assertThat(trail.record(AuditEvents.recordAccessed("api-token", "search-type", "Observation?patient=p" + i,
                    "p" + i, true))).isEqualTo(i);
            if (i == 15) {
                assertThat(trail.checkpoint()).isEqualTo(15);
            }
        }
    }

    @AfterEach
    void close() {
        trail.close();
    }

    private AuditVerifier.Result verify() throws Exception {
        try (Connection c = db.getConnection()) {
            return AuditVerifier.verify(c, signer.publicKey());
        }
    }

    private AuditVerifier.Result verifyDescribed() throws Exception {
        return verify();
    }

    private TransactionTemplate tx() {
        return new TransactionTemplate(new DataSourceTransactionManager(db));
    }

    private final org.harbour.routes.disclose.DeliveryReceipts receipts() {
        return new org.harbour.routes.disclose.DeliveryReceipts(jdbc, Clock.systemUTC());
    }

    private void receipt(String id) {
        receipts().record(new org.harbour.routes.disclose.OutboundDelivery(id, "m-" + id, "dr-chan", "p1",
                java.util.List.of("Observation/o1")), "webhook", 200, null);
    }

    private static org.hl7.fhir.r4.model.AuditEvent access(String patient) {
        return AuditEvents.recordAccessed("api-token", "read", "Patient/" + patient, patient, true);
    }

    @Test
    void entriesAppendedInACallersTransactionCommitWithItsWritesOrNotAtAll() throws Exception {
        tx().executeWithoutResult(status -> {
            receipt("d1");
            trail.appendInTransaction(java.util.List.of(access("p21"), access("p22")));
        });
        assertThat(receipts().delivered("d1")).isTrue();
        assertThatThrownBy(() -> tx().executeWithoutResult(status -> {
            receipt("d2");
            trail.appendInTransaction(java.util.List.of(access("p99")));
            throw new IllegalStateException("the caller's work fails after appending");
        })).hasMessageContaining("caller's work fails");
        assertThat(receipts().delivered("d2")).isFalse();
        // the chain was let go when the failed transaction ended: the next append is not blocked
        assertThat(trail.record(access("p23"))).isEqualTo(23);
        AuditVerifier.Result result = verify();
        assertThat(result.intact()).as(result.describe()).isTrue();
        assertThat(result.entries()).isEqualTo(23);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE patient_id = 'p99'", Integer.class))
                .isZero();
        assertThatThrownBy(() -> trail.appendInTransaction(java.util.List.of(access("p98"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a transaction");
    }

    @Test
    void anEntryRecordedWithWritesIsKeptOnlyWithThem() throws Exception {
        trail.recordWith(access("p21"), () -> receipt("d1"));
        assertThat(receipts().delivered("d1")).isTrue();
        // the same receipt again violates its key: neither it nor its entry is written
        assertThatThrownBy(() -> trail.recordWith(access("p22"), () -> receipt("d1")))
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE patient_id = 'p22'", Integer.class))
                .isZero();
        assertThat(verify().entries()).isEqualTo(21);
    }

    @Test
    void concurrentAppendsInTransactionsAndThroughTheCommitterKeepOneUnbrokenChain() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean inTransaction = t % 2 == 0;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String patient = "t" + thread + "-" + i;
                        if (inTransaction) {
                            tx().executeWithoutResult(status -> trail.appendInTransaction(
                                    java.util.List.of(access(patient), access(patient))));
                        } else {
                            trail.record(access(patient));
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        AuditVerifier.Result result = verify();
        assertThat(result.intact()).as(result.describe()).isTrue();
        assertThat(result.entries()).isEqualTo(20 + 4 * 25 * 2 + 4 * 25);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"patient_id, p99", "agent, someone-else", "subtype, read",
        "patient_id, NULL", "subtype, NULL"})
    void anEditOfASearchColumnIsDetectedThoughTheEntryIsUntouched(String column, String value) throws Exception {
        // the columns the disclosure report and searches go by: hiding an access from a patient must not verify
        jdbc.update("UPDATE audit_event SET " + column + " = " + ("NULL".equals(value) ? "NULL" : "'" + value + "'")
                + " WHERE seq = 7");
        AuditVerifier.Result result = verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBad()).isEqualTo(7);
        assertThat(result.describe()).contains(column);
    }

    @Test
    void anUntouchedTrailIsIntact() throws Exception {
        AuditVerifier.Result result = verify();
        assertThat(result.intact()).as(result.describe()).isTrue();
        assertThat(result.entries()).isEqualTo(20);
        assertThat(result.lastCheckpoint()).isEqualTo(15);
    }

    @Test
    void anEditedEntryIsNamed() throws Exception {
        jdbc.update("UPDATE audit_event SET entry = REPLACE(entry, 'p7', 'p8'), patient_id = 'p8' WHERE seq = 7");
        assertThat(verifyDescribed()).extracting(AuditVerifier.Result::intact, AuditVerifier.Result::firstBad).containsExactly(false, 7L);
    }

    @Test
    void aDeletedEntryIsNamed() throws Exception {
        jdbc.update("DELETE FROM audit_event WHERE seq = 9");
        assertThat(verifyDescribed()).extracting(AuditVerifier.Result::intact, AuditVerifier.Result::firstBad).containsExactly(false, 9L);
    }

    @Test
    void anInsertedEntryIsNamed() throws Exception {
        // make room at 5 and put a forged entry there, chained to entry 4 as a forger would
        for (long seq = 20; seq >= 5; seq--) {
            jdbc.update("UPDATE audit_event SET seq = ? WHERE seq = ?", seq + 1, seq);
        }
        String prev = jdbc.queryForObject("SELECT hash FROM audit_event WHERE seq = 4", String.class);
        java.time.Instant at = java.time.Instant.parse("2026-11-22T02:00:00Z");
        String forged = "{\"resourceType\":\"AuditEvent\",\"id\":\"5\"}";
        jdbc.update("INSERT INTO audit_event (seq, recorded, entry, prev_hash, hash) VALUES (5, ?, ?, ?, ?)",
                at.atOffset(java.time.ZoneOffset.UTC), forged, prev, AuditChain.hash(prev, 5, at, forged));
        assertThat(verifyDescribed()).extracting(AuditVerifier.Result::intact, AuditVerifier.Result::firstBad).containsExactly(false, 6L);
    }

    @Test
    void reorderedEntriesAreNamed() throws Exception {
        jdbc.update("UPDATE audit_event SET seq = 100 WHERE seq = 3");
        jdbc.update("UPDATE audit_event SET seq = 3 WHERE seq = 4");
        jdbc.update("UPDATE audit_event SET seq = 4 WHERE seq = 100");
        assertThat(verifyDescribed()).extracting(AuditVerifier.Result::intact, AuditVerifier.Result::firstBad).containsExactly(false, 3L);
    }

    @Test
    void aTruncatedTrailIsDetectedAgainstTheSignedCheckpoint() throws Exception {
        jdbc.update("DELETE FROM audit_event WHERE seq >= 12");
        AuditVerifier.Result result = verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBad()).isEqualTo(12L);
        assertThat(result.problem()).contains("truncated");
    }

    @Test
    void aForgedCheckpointIsRefused() throws Exception {
        AuditSigner forger = new AuditSigner(Base64.getDecoder().decode("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="));
        jdbc.update("UPDATE audit_checkpoint SET public_key = ?, signature = ?", forger.publicKeyBase64(),
                forger.sign(15, jdbc.queryForObject("SELECT hash FROM audit_event WHERE seq = 15", String.class)));
        assertThat(verify().intact()).isFalse();
    }

    private AuditVerifier.Result verifyWitnessed(java.util.List<String> witnessed) throws Exception {
        try (Connection c = db.getConnection()) {
            return AuditVerifier.verifyWitnessed(c, signer.publicKey(), witnessed);
        }
    }

    private java.util.List<String> witnessCopy() throws Exception {
        try (Connection c = db.getConnection()) {
            return AuditVerifier.checkpoints(c);
        }
    }

    @Test
    void aTrailCutBackWithItsCheckpointsIsCaughtByTheWitness() throws Exception {
        java.util.List<String> witnessed = witnessCopy();
        assertThat(witnessed).hasSize(1).allSatisfy(line -> assertThat(line).startsWith("{\"seq\":15,\"hash\":\""));
        assertThat(verifyWitnessed(witnessed).intact()).isTrue();
        jdbc.update("DELETE FROM audit_event WHERE seq >= 12");
        jdbc.update("DELETE FROM audit_checkpoint");
        assertThat(verify().intact()).as("without the witness the shorter trail looks whole").isTrue();
        AuditVerifier.Result result = verifyWitnessed(witnessed);
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBad()).isEqualTo(15L);
        assertThat(result.problem()).contains("truncated");
    }

    @Test
    void aTrailRewrittenAndRechainedIsCaughtByTheWitness() throws Exception {
        java.util.List<String> witnessed = witnessCopy();
        // a forger with database access but not the key edits entry 7 and recomputes every hash after it
        jdbc.update("UPDATE audit_event SET entry = REPLACE(entry, 'p7', 'p8'), patient_id = 'p8' WHERE seq = 7");
        String previous = jdbc.queryForObject("SELECT hash FROM audit_event WHERE seq = 6", String.class);
        for (long seq = 7; seq <= 20; seq++) {
            String entry = jdbc.queryForObject("SELECT entry FROM audit_event WHERE seq = ?", String.class, seq);
            java.time.Instant at = jdbc.queryForObject("SELECT recorded FROM audit_event WHERE seq = ?",
                    java.time.OffsetDateTime.class, seq).toInstant();
            String hash = AuditChain.hash(previous, seq, at, entry);
            jdbc.update("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE seq = ?", previous, hash, seq);
            previous = hash;
        }
        jdbc.update("DELETE FROM audit_checkpoint");
        assertThat(verify().intact()).as("a re-chained trail without checkpoints verifies on its own").isTrue();
        AuditVerifier.Result result = verifyWitnessed(witnessed);
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBad()).isEqualTo(15L);
        assertThat(result.problem()).contains("differs from the witnessed checkpoint");
    }
}
