package org.harbour.routes.retention;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.harbour.routes.TestDatabase;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.audit.AuditSigner;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.records.PatientLinks;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.records.RecordStore;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.InboundMessage;
import org.harbour.routes.store.MessageStore;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention on each supported database: payloads older than the period are purged (message
 * bytes and reports, records, old versions, resend keys), newer ones stay, and every run is in
 * the audit trail, which itself is kept whole.
 */
abstract class RetentionPurgeContract implements TestDatabase {

    private static final ZoneId HONG_KONG = ZoneId.of("Asia/Hong_Kong");
    private static final Instant OLD = Instant.parse("2018-03-01T02:00:00Z");
    private static final Instant RECENT = Instant.parse("2026-11-01T02:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private AuditTrail audit;
    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
    private final RecordCipher cipher = RecordCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));

    @BeforeEach
    void database() {
        DataSource db = freshDatabase();
        flyway(db).migrate();
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        audit = new AuditTrail(jdbc, tx, FhirContext.forR4Cached(), Clock.fixed(NOW, ZoneOffset.UTC), new AuditSigner(
                new byte[32]), Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        audit.close();
    }

    /** Receives and stores one message as the hub would at {@code at}; returns its id. */
    private String receive(String message, String sender, String controlId, Instant at) {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        MessageStore messages = new MessageStore(jdbc, tx, new DuplicateWindow(Period.ofDays(7)), clock);
        RecordStore records = new RecordStore(jdbc, tx, cipher, FhirContext.forR4Cached(),
                new PatientLinks(jdbc, cipher, List.of("urn:harbour:id:hkid"), clock), clock);
        byte[] raw = message.getBytes(StandardCharsets.UTF_8);
        InboundMessage in = new InboundMessage(MessageStore.newId(), controlId, sender, "EMR", "ORU^R01", "2.5.1", at,
                "127.0.0.1", "mllp", "UTF-8", raw);
        messages.storeAccepted(in);
        tx.executeWithoutResult(s -> {
            records.store(translator.convert(raw).bundle(), in.id());
            messages.recordTranslation(in.id(), "TRANSLATED", 1, new byte[] {1});
        });
        return in.id();
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void payloadsOlderThanTheRetentionPeriodArePurgedAndThePurgeIsAudited() throws Exception {
        String old = receive(Hl7Samples.oru("KWC", "OLD-1", ""), "KWC", "OLD-1", OLD);
        String recent = receive(Hl7Samples.adt("QEH", "NEW-1"), "QEH", "NEW-1", OLD);
        // the same patient again with an address: a new version of the Patient, the old one kept as a version
        String recentAgain = receive(Hl7Samples.adt("QEH", "NEW-2").replace("|19751231|F\r",
                "|19751231|F|||香港九龍彌敦道1號^^九龍^^^HKG\r"), "QEH", "NEW-2", RECENT);
        long recentResources = count("SELECT COUNT(*) FROM fhir_resource WHERE message_id = ?", recentAgain);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE message_id = ?", old)).isGreaterThan(3);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource_version WHERE message_id = ?", recent)).isGreaterThan(0);

        // the old patient's consent, given in 2018 and never changed, is not a clinical payload
        RecordStore oldStore = new RecordStore(jdbc, tx, cipher, FhirContext.forR4Cached(), new PatientLinks(jdbc, cipher,
                List.of("urn:harbour:id:hkid"), Clock.fixed(OLD, ZoneOffset.UTC)), Clock.fixed(OLD, ZoneOffset.UTC));
        String oldPatient = jdbc.queryForObject("SELECT patient_id FROM fhir_resource WHERE message_id = ? AND"
                + " resource_type = 'Observation' FETCH FIRST 1 ROWS ONLY", String.class, old);
        org.hl7.fhir.r4.model.Consent consent = new org.hl7.fhir.r4.model.Consent();
        consent.setId("consent-2018");
        consent.setStatus(org.hl7.fhir.r4.model.Consent.ConsentState.ACTIVE);
        consent.setPatient(new org.hl7.fhir.r4.model.Reference("Patient/" + oldPatient));
        org.hl7.fhir.r4.model.Bundle one = new org.hl7.fhir.r4.model.Bundle();
        one.addEntry().setFullUrl("Consent/consent-2018").setResource(consent);
        tx.executeWithoutResult(s -> oldStore.store(one, null));

        RetentionPurge purge = new RetentionPurge(jdbc, tx, audit, Period.ofYears(7), HONG_KONG,
                Clock.fixed(NOW, ZoneOffset.UTC));
        RetentionPurge.Result result = purge.purge();

        assertThat(result.cutoff()).isEqualTo(Instant.parse("2019-11-22T02:00:00Z"));
        assertThat(result.messages()).isEqualTo(2);
        // the old result is gone (its patient stays with their consent); the payloads of the two old messages too
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE message_id = ? AND resource_type <> 'Patient'", old))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM message_raw WHERE message_id IN (?, ?)", old, recent)).isZero();
        assertThat(count("SELECT COUNT(*) FROM message_report WHERE message_id = ?", old)).isZero();
        assertThat(jdbc.queryForObject("SELECT reason FROM message WHERE id = ?", String.class, old))
                .contains("payload purged");
        // the recent message's records stay, with their old first versions gone
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE message_id = ?", recentAgain))
                .isEqualTo(recentResources);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource_version WHERE message_id = ?", recent)).isZero();
        assertThat(count("SELECT COUNT(*) FROM message_raw WHERE message_id = ?", recentAgain)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Consent'")).isEqualTo(1);
        // the patient stays while their consent does
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Patient'")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM patient_link pl WHERE NOT EXISTS (SELECT 1 FROM fhir_resource r"
                + " WHERE r.resource_type = 'Patient' AND r.id = pl.patient_id)")).isZero();
        assertThat(result.resources()).isPositive();
        assertThat(result.versions()).isPositive();

        RetentionPurge.Result again = purge.purge();
        assertThat(again.any()).isFalse();
        List<AuditEvent> runs = audit.search(new AuditTrail.Query(null, null, List.of("retention-purge"), null, null),
                10, 0).entries();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).getOutcomeDesc()).startsWith("retention P7Y, cut-off 2019-11-22T02:00:00Z: 2 message"
                + " payloads, " + result.resources() + " records");
        assertThat(runs.get(1).getOutcomeDesc()).contains(": 0 message payloads, 0 records");
        assertThat(count("SELECT COUNT(*) FROM audit_event")).isEqualTo(2);
    }

    @Test
    void aPeriodThatIsNotPositiveIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RetentionPurge(jdbc, tx, audit, Period.ZERO,
                HONG_KONG, Clock.systemUTC())).hasMessageContaining("positive period");
    }
}
