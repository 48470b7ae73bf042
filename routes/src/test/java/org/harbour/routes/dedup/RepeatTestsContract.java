package org.harbour.routes.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.harbour.routes.TestDatabase;
import org.harbour.mappings.codes.CodeTables;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Repeated-test rules on each supported database: inside and outside the window, a per-test
 * window, across facilities by patient, unmapped local codes only within their facility.
 */
abstract class RepeatTestsContract implements TestDatabase {

    private static final ZoneId HONG_KONG = ZoneId.of("Asia/Hong_Kong");
    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");

    private RepeatTests tests;

    @BeforeEach
    void database() {
        DataSource db = freshDatabase();
        flyway(db).migrate();
        tests = new RepeatTests(new LabHistory(new JdbcTemplate(db)),
                new TestIdentity(CodeTables.builtIn().get("lab-test-loinc")),
                new DedupWindows(Period.ofDays(90), Map.of("2823-3", Period.ofDays(1)), HONG_KONG), HONG_KONG);
    }

    private static Observation result(String id, String system, String code, String at, String value, String unit) {
        Observation o = new Observation();
        o.setId(id);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept().addCoding(new Coding(system, code, null)));
        o.setEffective(new DateTimeType(Date.from(Instant.parse(at))));
        o.setValue(new Quantity().setValue(new BigDecimal(value)).setUnit(unit));
        return o;
    }

    private static ServiceRequest order(String id, String system, String code) {
        ServiceRequest sr = new ServiceRequest();
        sr.setId(id);
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setCode(new CodeableConcept().addCoding(new Coding(system, code, null)));
        return sr;
    }

    private List<RepeatTests.Repeat> check(String patient, String facility, Resource... resources) {
        return tests.check(patient, facility, List.of(resources), NOW);
    }

    @Test
    void anOrderRepeatingARecentResultAtAnotherInstitutionRaisesAnAlert() {
        check("p1", "KWC", result("hba1c-sep", "urn:harbour:code:KWC:lab", "HBA1C", "2026-09-02T01:00:00Z", "8.1", "%"));
        List<RepeatTests.Repeat> repeats = check("p1", "QMH", order("order-1", "urn:harbour:code:QMH:lab", "GHB"));
        assertThat(repeats).hasSize(1);
        var issue = repeats.get(0).issue();
        assertThat(issue.getDetail()).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood 8.1 % on 2026-09-02 at KWC"
                + " — repeat?");
        assertThat(issue.getImplicated()).extracting(r -> r.getReference())
                .containsExactly("Observation/hba1c-sep", "ServiceRequest/order-1");
        assertThat(issue.getPatient().getReference()).isEqualTo("Patient/p1");
        assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("repeat-test");
        assertThat(repeats.get(0).test().code()).isEqualTo("4548-4");
        // another patient's order for the same test is not a repeat
        assertThat(check("p2", "QMH", order("order-2", "http://loinc.org", "4548-4"))).isEmpty();
    }

    @Test
    void outsideTheWindowIsNotARepeat() {
        check("p1", "KWC", result("hba1c-jun", "http://loinc.org", "4548-4", "2026-06-01T01:00:00Z", "7.0", "%"));
        assertThat(check("p1", "KWC", order("order-3", "http://loinc.org", "4548-4"))).isEmpty();
    }

    @Test
    void aTestsOwnWindowHolds() {
        check("p1", "KWC", result("k-yesterday", "http://loinc.org", "2823-3", "2026-11-21T01:00:00Z", "4.0", "mmol/L"));
        assertThat(check("p1", "KWC", order("order-4", "http://loinc.org", "2823-3"))).isEmpty();
        check("p1", "KWC", result("k-today", "http://loinc.org", "2823-3", "2026-11-22T01:00:00Z", "4.2", "mmol/L"));
        assertThat(check("p1", "QMH", order("order-5", "urn:harbour:code:QMH:lab", "POT"))).hasSize(1);
    }

    @Test
    void unmappedLocalCodesCompareWithinTheirFacilityOnly() {
        check("p1", "KWC", result("vitd", "urn:harbour:code:KWC:lab", "VITD", "2026-11-01T01:00:00Z", "50", "nmol/L"));
        assertThat(check("p1", "QMH", order("order-6", "urn:harbour:code:KWC:lab", "VITD"))).isEmpty();
        assertThat(check("p1", "KWC", order("order-7", "urn:harbour:code:KWC:lab", "VITD"))).hasSize(1);
    }

    @Test
    void aMessagesOwnResultIsNotItsRepeatAndCompletedOrdersAreNotChecked() {
        ServiceRequest done = order("order-8", "http://loinc.org", "4548-4");
        done.setStatus(ServiceRequest.ServiceRequestStatus.COMPLETED);
        assertThat(check("p1", "KWC", done, result("hba1c-now", "http://loinc.org", "4548-4", "2026-11-22T01:00:00Z",
                "6.5", "%"))).isEmpty();
        ServiceRequest reflex = order("order-9", "http://loinc.org", "4548-4");
        assertThat(check("p3", "KWC", reflex, result("hba1c-p3", "http://loinc.org", "4548-4", "2026-11-22T01:00:00Z",
                "6.5", "%"))).isEmpty();
    }
}
