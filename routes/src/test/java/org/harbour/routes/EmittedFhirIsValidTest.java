package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.fhir.R4Validation;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.dedup.DedupWindows;
import org.harbour.routes.dedup.LabHistory;
import org.harbour.routes.dedup.RepeatTests;
import org.harbour.routes.dedup.TestIdentity;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * What the hub itself writes, besides the translator's output, validates against R4 with zero
 * errors: every kind of audit entry, and the repeated-test DetectedIssue.
 */
class EmittedFhirIsValidTest {

    private static void valid(Resource resource) {
        assertThat(R4Validation.errors(resource)).as(resource.fhirType() + " "
                + R4Validation.FHIR.newJsonParser().encodeResourceToString(resource)).isEmpty();
    }

    /** As the trail stores an entry: with its sequence number and time. */
    private static AuditEvent stored(AuditEvent e, int seq) {
        e.setId(Integer.toString(seq));
        e.setRecorded(new Date());
        return e;
    }

    @Test
    void everyKindOfAuditEntryIsValidR4() {
        List<AuditEvent> entries = List.of(
                AuditEvents.messageReceived("m-1", "C-1", "KWC", "/10.0.0.8:5000", "ORU^R01^ORU_R01"),
                AuditEvents.messageRejected("m-2", "C-2", "KWC", "/10.0.0.8:5000", "AR 203: version '3.1' is not supported"),
                AuditEvents.messageTranslated("m-1", "C-1", "KWC", "p-1", "TRANSLATED", 12),
                AuditEvents.recordsStored("m-1", "C-1", "KWC", "p-1", 12),
                AuditEvents.recordDisclosure(true, "dr-chan", "dingtalk", "p-1", List.of("Observation/o-1",
                        "DiagnosticReport/r-1"), "Consent/c-1", "permit: Consent/c-1; delivered (minimum), HTTP 200"),
                AuditEvents.recordDisclosure(false, "dr-wong", "webhook", "p-1", "Observation/o-1", null,
                        "deny: no active consent permits Observation to dr-wong"),
                AuditEvents.consentChanged("dr-lee@login.example", "Consent/c-1", "p-1", AuditEvent.AuditEventAction.U,
                        "revoked"),
                AuditEvents.adminAction("ops", "replay", "message m-1 replayed to harbour.inbound", true),
                AuditEvents.adminAction("harbour", "endpoint-misconfigured", "recipient dr-ma: errcode 310000", false),
                AuditEvents.authenticationFailed("10.0.0.9", "GET /fhir/Patient", "no credentials"),
                AuditEvents.accessDenied("dr-lee@login.example", "10.0.0.9", "GET /api/messages", "harbour/messages.read"),
                AuditEvents.recordAccessed("dr-lee@login.example", "search-type", "Observation?patient=p-1", "p-1", true));
        for (int i = 0; i < entries.size(); i++) {
            valid(stored(entries.get(i), i + 1));
        }
    }

    @Test
    void theRepeatedTestAlertIsValidR4() {
        LabHistory history = new LabHistory(null) {
            @Override
            public Lookup lookup(List<Result> results, String patientId, Map<String, Instant> sinceByTest, int limit) {
                Map<String, List<Result>> recent = new java.util.HashMap<>();
                sinceByTest.keySet().forEach(testKey -> recent.put(testKey, List.of(new Result("Observation/o-1",
                        patientId, testKey, Instant.parse("2026-09-02T01:00:00Z"), "final", "8.1 %", "KWC"))));
                return new Lookup(Map.of(), recent);
            }

            @Override
            public void recordAll(List<Result> results) {
                assertThat(results).isEmpty();
            }
        };
        RepeatTests tests = new RepeatTests(history, new TestIdentity(CodeTables.builtIn().get("lab-test-loinc")),
                new DedupWindows(Period.ofDays(90), Map.of(), ZoneId.of("Asia/Hong_Kong")), ZoneId.of("Asia/Hong_Kong"));
        ServiceRequest order = new ServiceRequest();
        order.setId("sr-1");
        order.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        order.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "4548-4", "HbA1c")));
        order.getSubject().setReference("Patient/p-1");
        List<RepeatTests.Repeat> repeats = tests.check("p-1", "QMH", List.of(order), Instant.parse("2026-11-22T03:00:00Z"));
        assertThat(repeats).hasSize(1);
        valid(repeats.get(0).issue());
    }
}
