package org.harbour.routes.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.TestDatabase;
import org.harbour.routes.records.PatientLinks;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Repeated results on each supported database, through the translator, the record store and
 * the dedup step as the store stage runs them (one transaction): the same report resent under
 * another control id, or arriving from another institution, is stored once and marked as an
 * earlier message's (so it is not disclosed again) and counted; a correction replaces the
 * earlier version and is disclosed; a withdrawn result no longer counts as a prior test.
 */
abstract class RepeatedResultsContract implements TestDatabase {

    private static final ZoneId HONG_KONG = ZoneId.of("Asia/Hong_Kong");
    private static final Instant NOW = Instant.parse("2026-11-24T02:00:00Z");

    /** Kwong Wah clinic's potassium report: control id, OBR-25 and OBX-11 status, value, flag. */
    private static final String CLINIC = "MSH|^~\\&|LIS|KWC|HARBOUR|HUB|20261123081500+0800||ORU^R01^ORU_R01|%s|P|2.5.1\r"
            + "PID|1||KWC-88^^^KWC^MR~A123456(3)^^^HKID^NNHKG||陳^大文||19600101|M\r"
            + "PV1|1|O|KWC-OPD||||D100^LEE^MEI\r"
            + "ORC|RE|PL-900^KWC|FL-900^KWCLAB||CM||||20261123070000+0800|||D100^LEE^MEI\r"
            + "OBR|1|PL-900^KWC|FL-900^KWCLAB|2823-3^Potassium^LN|||20261123070000+0800||||||||||||||"
            + "20261123081000+0800||CH|%s\r"
            + "OBX|1|NM|2823-3^Potassium^LN||%s|mmol/L|3.5-5.1|%s|||%s|||20261123070000+0800\r"
            + "OBX|2|ST|8251-1^Service comment^LN||haemolysed||||||F|||20261123070000+0800\r";

    /** The same potassium, forwarded by Queen Mary Hospital under its own numbers. */
    private static final String HOSPITAL = "MSH|^~\\&|HIS|QMH|HARBOUR|HUB|20261123093000+0800||ORU^R01^ORU_R01|%s|P|2.5.1\r"
            + "PID|1||QMH-5501^^^QMH^MR~A123456(3)^^^HKID^NNHKG||陳^大文||19600101|M\r"
            + "OBR|1|QMH-ORD-7^QMH|QMH-LAB-7^QMH|2823-3^Potassium^LN|||20261123070000+0800||||||||||||||"
            + "20261123093000+0800||CH|%s\r"
            + "OBX|1|NM|2823-3^Potassium [Moles/volume] in Serum or Plasma^LN||%s|mmol/L|3.5-5.1|H|||%s|||"
            + "20261123070000+0800\r";

    private static final String ORDER = "MSH|^~\\&|CIS|QMH|HARBOUR|HUB|20261124090000+0800||ORM^O01^ORM_O01|%s|P|2.5.1\r"
            + "PID|1||QMH-5501^^^QMH^MR~A123456(3)^^^HKID^NNHKG||陳^大文||19600101|M\r"
            + "ORC|NW|QMH-ORD-8^QMH|||||||20261124090000+0800|||D200^WONG^KIT\r"
            + "OBR|1|QMH-ORD-8^QMH||2823-3^Potassium^LN\r";

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private RecordStore records;
    private DedupStage dedup;

    private RecordCipher cipher;

    @BeforeEach
    void database() {
        DataSource db = freshDatabase();
        flyway(db).migrate();
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RecordCipher cipher = RecordCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
        records = new RecordStore(jdbc, tx, cipher, FhirContext.forR4Cached(),
                new PatientLinks(jdbc, cipher, List.of("urn:harbour:id:hkid"), clock), clock);
        LabHistory history = new LabHistory(jdbc, cipher);
        this.cipher = cipher;
        TestIdentity identity = new TestIdentity(CodeTables.builtIn().get("lab-test-loinc"));
        RepeatTests tests = new RepeatTests(history, identity, new DedupWindows(Period.ofDays(90),
                Map.of("2823-3", Period.ofDays(3)), HONG_KONG), HONG_KONG);
        dedup = new DedupStage(tests, history, identity, records, meters, clock);
    }

    /** What the store stage does with one message, in one transaction; then the counting after the commit. */
    private record Outcome(RecordStore.Stored stored, DedupStage.Alerts alerts) {
        List<String> newlyBrought(String type) {
            List<String> out = new java.util.ArrayList<>(newIn(stored, type));
            if (alerts != null) {
                out.addAll(newIn(alerts.stored(), type));
            }
            return out;
        }

        private static List<String> newIn(RecordStore.Stored stored, String type) {
            return stored.references().stream().filter(r -> r.startsWith(type + "/"))
                    .filter(r -> !stored.earlier().contains(r)).toList();
        }
    }

    private Outcome receive(String message, String messageId) {
        String sender = message.substring(message.indexOf('|', 9) + 1, message.indexOf('|', message.indexOf('|', 9) + 1));
        Outcome outcome = tx.execute(s -> {
            ResultRepeats repeats = dedup.repeatsFor(sender);
            RecordStore.Stored stored = records.store(translator.convert(message.getBytes(StandardCharsets.UTF_8)).bundle(),
                    messageId, repeats);
            return new Outcome(stored, dedup.check(stored.patientId(), sender, stored, messageId, repeats));
        });
        dedup.count(outcome.stored(), outcome.alerts(), sender, false);
        return outcome;
    }

    private int stored(String type) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = ?", Integer.class, type);
    }

    private double repeatedResults(String facility) {
        var counter = meters.find("harbour.dedup.repeated.results").tags("test", "2823-3", "facility", facility).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aLargeReportResentIsStoredOnce() {
        // 1,200 results: the stored versions are looked up 500 at a time (PostgreSQL takes at most 32,767 bind values)
        StringBuilder report = new StringBuilder(String.format(ORDER, "QMH-BIG-1").replace("ORM^O01^ORM_O01", "ORU^R01^ORU_R01")
                .replace("ORC|NW|", "ORC|RE|"));
        for (int i = 1; i <= 1200; i++) {
            report.append("OBX|").append(i).append("|NM|2823-3^Potassium^LN|").append(i).append("|").append(i).append(".5")
                    .append("|mmol/L|3.5-5.1|N|||F|||20261124083000+0800\r");
        }
        String first = report.toString();
        String resent = first.replace("|QMH-BIG-1|", "|QMH-BIG-2|");
        // the same results under another order number (another system forwarding them): found by fingerprint only
        String forwarded = first.replace("|QMH-BIG-1|", "|QMH-BIG-3|").replace("QMH-ORD-8^QMH", "QMH-ORD-9^QMH");

        Outcome stored = receive(first, "m-big-1");
        Outcome again = receive(resent, "m-big-2");
        Outcome viaAnotherRoute = receive(forwarded, "m-big-3");

        assertThat(stored.newlyBrought("Observation")).hasSize(1200);
        assertThat(again.newlyBrought("Observation")).isEmpty();
        assertThat(viaAnotherRoute.newlyBrought("Observation")).isEmpty();
        assertThat(stored("Observation")).isEqualTo(1200);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource_version WHERE resource_type = 'Observation'",
                Integer.class)).as("unchanged results get no new version").isZero();
    }

    @Test
    void theSameReportResentUnderAnotherControlIdIsStoredOnceAndNotBroughtAgain() {
        Outcome first = receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        assertThat(first.newlyBrought("Observation")).hasSize(2);
        assertThat(first.newlyBrought("DiagnosticReport")).hasSize(1);

        Outcome resent = receive(String.format(CLINIC, "KWC-2", "F", "6.2", "HH", "F"), "m2");
        assertThat(resent.newlyBrought("Observation")).isEmpty();
        assertThat(resent.newlyBrought("DiagnosticReport")).isEmpty();
        assertThat(resent.newlyBrought("Encounter")).as("a PV1 without a visit number is the message's own").hasSize(1);
        assertThat(stored("Observation")).isEqualTo(2);
        assertThat(stored("DiagnosticReport")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource_version WHERE resource_type = 'Observation'",
                Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM lab_result", Integer.class)).isEqualTo(2);
        assertThat(repeatedResults("KWC")).isEqualTo(1.0);
    }

    @Test
    void aRedeliveryOfTheSameMessageBringsItsRecordsAgain() {
        receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        // the stage failed after the commit and the broker redelivered: what it stored is still its own to publish
        Outcome again = receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        assertThat(again.newlyBrought("Observation")).hasSize(2);
        assertThat(stored("Observation")).isEqualTo(2);
    }

    @Test
    void theSameResultFromAnotherInstitutionIsStoredOnce() {
        Outcome clinic = receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        String potassium = clinic.stored().resources().stream().filter(Observation.class::isInstance)
                .map(Observation.class::cast).filter(o -> o.getCode().getCodingFirstRep().getCode().equals("2823-3"))
                .findFirst().orElseThrow().getIdPart();

        Outcome hospital = receive(String.format(HOSPITAL, "QMH-1", "F", "6.2", "F"), "m2");
        assertThat(hospital.newlyBrought("Observation")).isEmpty();
        assertThat(hospital.newlyBrought("DiagnosticReport")).as("all its results are the clinic's report's").isEmpty();
        assertThat(hospital.stored().references()).contains("Observation/" + potassium);
        assertThat(stored("Observation")).isEqualTo(2);
        assertThat(stored("DiagnosticReport")).isEqualTo(1);
        assertThat(repeatedResults("QMH")).isEqualTo(1.0);
        // the history keeps the clinic's result as it came
        assertThat(jdbc.queryForObject("SELECT facility FROM lab_result WHERE observation_ref = ?", String.class,
                "Observation/" + potassium)).isEqualTo("KWC");

        // another value at the same time is another result
        Outcome other = receive(String.format(HOSPITAL, "QMH-2", "F", "6.3", "F").replace("QMH-ORD-7", "QMH-ORD-9"), "m3");
        assertThat(other.newlyBrought("Observation")).hasSize(1);
        assertThat(stored("Observation")).isEqualTo(3);
    }

    @Test
    void aCorrectionReplacesTheEarlierVersionAndIsBroughtAnew() {
        Outcome first = receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        Outcome corrected = receive(String.format(CLINIC, "KWC-3", "C", "5.0", "N", "C"), "m2");
        assertThat(corrected.newlyBrought("Observation")).hasSize(1)
                .isSubsetOf(first.newlyBrought("Observation"));
        assertThat(corrected.newlyBrought("DiagnosticReport")).isEqualTo(first.newlyBrought("DiagnosticReport"));
        assertThat(stored("Observation")).isEqualTo(2);
        Observation now = (Observation) records.read("Observation", corrected.newlyBrought("Observation").get(0)
                .substring("Observation/".length())).orElseThrow();
        assertThat(now.getStatus()).isEqualTo(Observation.ObservationStatus.CORRECTED);
        assertThat(now.getValueQuantity().getValue()).isEqualByComparingTo("5.0");
        assertThat(now.getMeta().getVersionId()).isEqualTo("2");
        // the value sealed in the history (it is patient data), opened with the record key
        String sealed = jdbc.queryForObject("SELECT value_text FROM lab_result WHERE status = 'corrected'", String.class);
        assertThat(sealed).doesNotContain("mmol");
        assertThat(cipher.decryptText(sealed, LabHistory.valueAssociatedData(jdbc.queryForObject(
                "SELECT observation_ref FROM lab_result WHERE status = 'corrected'", String.class)))).isEqualTo("5 mmol/L");
        assertThat(repeatedResults("KWC")).isZero();

        // the correction resent is a repeat of the correction
        Outcome again = receive(String.format(CLINIC, "KWC-4", "C", "5.0", "N", "C"), "m3");
        assertThat(again.newlyBrought("Observation")).isEmpty();
        // a correction from another route, with the first value, is not a repeat of the final result
        Outcome hospital = receive(String.format(HOSPITAL, "QMH-1", "C", "6.2", "C"), "m4");
        assertThat(hospital.newlyBrought("Observation")).hasSize(1);
    }

    @Test
    void aWithdrawnResultNoLongerCountsAsAPriorTest() {
        receive(String.format(CLINIC, "KWC-1", "F", "6.2", "HH", "F"), "m1");
        Outcome order = receive(String.format(ORDER, "QMH-O-1"), "m2");
        assertThat(order.alerts()).isNotNull();
        assertThat(order.newlyBrought("DetectedIssue")).hasSize(1);
        // the same order resent raises no second alert
        Outcome resentOrder = receive(String.format(ORDER, "QMH-O-2"), "m3");
        assertThat(resentOrder.newlyBrought("DetectedIssue")).isEmpty();
        assertThat(meters.find("harbour.dedup.repeat.orders").counter().count()).isEqualTo(1.0);

        Outcome withdrawn = receive(String.format(CLINIC, "KWC-5", "C", "6.2", "HH", "D"), "m4");
        assertThat(withdrawn.newlyBrought("Observation")).hasSize(1);
        assertThat(receive(String.format(ORDER, "QMH-O-3").replace("QMH-ORD-8", "QMH-ORD-10"), "m5").alerts())
                .as("no standing result left to repeat").isNull();
    }
}
