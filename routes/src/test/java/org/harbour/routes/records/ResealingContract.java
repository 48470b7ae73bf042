package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.harbour.routes.TestDatabase;
import org.harbour.routes.dedup.LabHistory;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.InboundMessage;
import org.harbour.routes.store.MessageStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key rotation on each supported database: after {@code keys rotate} the background pass seals
 * every stored row (raw messages, reports, lab values, record payloads and their versions) with
 * the new key, seals what an older hub stored in clear, leaves everything readable, retires the
 * old key in the keyring, and does not scan again once done.
 */
abstract class ResealingContract implements TestDatabase {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T02:00:00Z"), ZoneOffset.UTC);
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private byte[] base;
    private Path keyring;
    private RecordCipher cipher;

    @BeforeEach
    void database() throws Exception {
        DataSource db = freshDatabase();
        flyway(db).migrate();
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        base = new byte[32];
        new SecureRandom().nextBytes(base);
        keyring = Files.createTempDirectory("harbour-keyring-").resolve("keyring");
        cipher = new RecordCipher(base, keyring);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int keyOfText(String stored) {
        return RecordCipher.keyOf(RecordCipher.sealedBytes(stored));
    }

    @Test
    void aRotationResealsEveryStoredRowAndRetiresTheOldKey() {
        MessageStore messages = new MessageStore(jdbc, tx, new DuplicateWindow(Period.ofDays(7)), CLOCK, cipher);
        LabHistory history = new LabHistory(jdbc, cipher);
        LabHistory.Result legacy = new LabHistory.Result("Observation/k1", "p1", "loinc|2823-3", CLOCK.instant(),
                "final", "5.0 mmol/L", "QMH");
        byte[] raw = "MSH|^~\\&|LIS|QMH|HARBOUR|HUB|20261204093000+0800||ORU^R01|K-1|P|2.5.1\rPID|1||A1234563^^^HKID||陳^大文\r"
                .getBytes(StandardCharsets.UTF_8);
        InboundMessage m = new InboundMessage(MessageStore.newId(), "K-1", "QMH", "LIS", "ORU^R01", "2.5.1",
                CLOCK.instant(), "127.0.0.1", "mllp", "UTF-8", raw);
        messages.storeAccepted(m);
        messages.recordTranslation(m.id(), "TRANSLATED", 1, cipher.encrypt("report 陳大文".getBytes(StandardCharsets.UTF_8),
                "message-report/" + m.id()));
        history.record(new LabHistory.Result("Observation/k1", "p1", "loinc|2823-3", CLOCK.instant(), "final",
                "6.9 mmol/L", "QMH"));
        tx.executeWithoutResult(s -> {
            jdbc.update("INSERT INTO fhir_resource (resource_type, id, version_id, patient_id, last_updated, payload)"
                    + " VALUES ('Patient', 'p1', 2, 'p1', ?, ?)", RecordStore.ts(CLOCK.instant()),
                    cipher.encrypt("{\"name\":\"陳大文\"}".getBytes(StandardCharsets.UTF_8), "Patient/p1/_history/2"));
            jdbc.update("INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, payload)"
                    + " VALUES ('Patient', 'p1', 1, ?, ?)", RecordStore.ts(CLOCK.instant()),
                    cipher.encrypt("{\"name\":\"陳小文\"}".getBytes(StandardCharsets.UTF_8), "Patient/p1/_history/1"));
            // what a hub from before sealing left: raw bytes and a lab value in clear
            InboundMessage old = new InboundMessage(MessageStore.newId(), "K-0", "QMH", "LIS", "ORU^R01", "2.5.1",
                    CLOCK.instant(), "127.0.0.1", "mllp", "UTF-8", raw);
            jdbc.update("INSERT INTO message (id, control_id, status, received_at, stored_at, size_bytes, sha256)"
                    + " VALUES (?, 'K-0', 'RECEIVED', ?, ?, 1, 'x')", old.id(), RecordStore.ts(CLOCK.instant()),
                    RecordStore.ts(CLOCK.instant()));
            jdbc.update("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", old.id(), raw);
            // and the lab value's fingerprint unkeyed (the value could be guessed from it and the columns beside it)
            jdbc.update("UPDATE lab_result SET value_text = '5.0 mmol/L', fingerprint = ? WHERE observation_ref ="
                    + " 'Observation/k1'", legacy.fingerprint());
        });
        Resealing resealing = new Resealing(jdbc, tx, cipher, 1, CLOCK);
        assertThat(jdbc.queryForObject("SELECT fingerprint FROM lab_result", String.class)).isEqualTo(legacy.fingerprint());
        // before any rotation: the first pass seals what was in clear, under key 1
        Resealing.Outcome first = resealing.check().orElseThrow();
        assertThat(first.key()).isEqualTo(1);
        assertThat(first.resealed()).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM message_raw WHERE key_id IS NULL", Integer.class)).isZero();
        assertThat(resealing.check()).as("nothing to do once done").isEmpty();
        assertThat(jdbc.queryForObject("SELECT fingerprint FROM lab_result", String.class))
                .isEqualTo(LabHistory.storedFingerprint(cipher, legacy.fingerprint()));
        // and the same result arriving again under another id is still recognised
        assertThat(history.sameResultAs(new LabHistory.Result("Observation/k9", "p1", "loinc|2823-3", CLOCK.instant(),
                "final", "5.0 mmol/L", "QMH"))).hasValue("Observation/k1");

        int rotated = Keyring.rotate(keyring);
        assertThat(rotated).isEqualTo(2);
        String keyedFingerprint = jdbc.queryForObject("SELECT fingerprint FROM lab_result", String.class);
        Resealing.Outcome second = resealing.check().orElseThrow();
        assertThat(jdbc.queryForObject("SELECT fingerprint FROM lab_result", String.class))
                .as("keyed once only").isEqualTo(keyedFingerprint);
        assertThat(second.key()).isEqualTo(2);
        // two raw messages, one report, one lab value, one resource, one version
        assertThat(second.resealed()).isEqualTo(6);
        assertThat(second.retired()).containsExactly(1);
        assertThat(jdbc.queryForList("SELECT raw FROM message_raw", byte[].class))
                .allSatisfy(b -> assertThat(RecordCipher.keyOf(b)).isEqualTo(2));
        assertThat(jdbc.queryForList("SELECT key_id FROM message_raw", Integer.class)).containsOnly(2);
        assertThat(RecordCipher.keyOf(jdbc.queryForObject("SELECT report FROM message_report", byte[].class))).isEqualTo(2);
        assertThat(keyOfText(jdbc.queryForObject("SELECT value_text FROM lab_result", String.class))).isEqualTo(2);
        assertThat(RecordCipher.keyOf(jdbc.queryForObject("SELECT payload FROM fhir_resource", byte[].class))).isEqualTo(2);
        assertThat(RecordCipher.keyOf(jdbc.queryForObject("SELECT payload FROM fhir_resource_version", byte[].class)))
                .isEqualTo(2);
        // all still readable, by the store's own readers and by a hub started afresh on the same keys
        assertThat(messages.raw(m.id())).hasValue(raw);
        assertThat(history.recent("p1", "loinc|2823-3", CLOCK.instant().minusSeconds(1), 5))
                .extracting(LabHistory.Result::valueText).containsExactly("5.0 mmol/L");
        RecordCipher restarted = new RecordCipher(base, keyring);
        assertThat(new String(restarted.decrypt(jdbc.queryForObject("SELECT payload FROM fhir_resource_version",
                byte[].class), "Patient/p1/_history/1"), StandardCharsets.UTF_8)).contains("陳小文");
        // key 1 retired, still in the ring (backups, broker messages), never in the file itself
        Keyring ring = Keyring.load(base, keyring);
        assertThat(ring.current()).isEqualTo(2);
        assertThat(ring.retired()).containsKey(1);
        assertThat(ring.keys()).containsKeys(1, 2);
        assertThat(readString(keyring)).doesNotContain(java.util.Base64.getEncoder().encodeToString(base));
        assertThat(resealing.check()).isEmpty();
    }
}
