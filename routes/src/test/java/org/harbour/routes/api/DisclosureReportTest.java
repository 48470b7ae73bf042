package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A patient's disclosure report (PDPO data access request): every disclosure of that patient's
 * records in the period, and what was withheld, as JSON and as an HTML page; nobody else's.
 */
class DisclosureReportTest extends HubTestSupport {

    @Autowired
    private AuditTrail audit;

    @Autowired
    private HarbourProperties properties;

    @Test
    void listsThePatientsDisclosuresAndWithholdingsInThePeriod() throws Exception {
        String patient = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        audit.recordAll(List.of(
                AuditEvents.recordDisclosure(true, "dr-chan-kwc", "dingtalk", patient, "Observation/hba1c-1",
                        "Consent/c-1", "permit: consent Consent/c-1 covers laboratory results for 陳醫生"),
                AuditEvents.recordDisclosure(false, "dr-wong-qmh", "slack", patient, "Observation/hba1c-1", null,
                        "deny: no active consent for this recipient"),
                AuditEvents.recordDisclosure(true, "dr-chan-kwc", "dingtalk", other, "Observation/other-1",
                        "Consent/c-9", "permit"),
                AuditEvents.recordDisclosure(true, "<script>alert(1)</script>", "webhook", patient, "Encounter/e-1",
                        "Consent/c-1", "permit")));

        var json = getWithToken("/api/patients/" + patient + "/disclosures");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(text(json)).contains("\"patient\":\"Patient/" + patient + "\"", "\"disclosed\":2", "\"withheld\":1",
                "\"recipient\":\"dr-chan-kwc\"", "\"endpoint\":\"dingtalk\"", "\"record\":\"Observation/hba1c-1\"",
                "\"consent\":\"Consent/c-1\"", "\"purpose\":\"treatment\"", "陳醫生",
                "\"decision\":\"deny: no active consent for this recipient\"")
                .doesNotContain("Observation/other-1");

        var html = getWithToken("/api/patients/" + patient + "/disclosures.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html",
                "UTF-8"));
        assertThat(text(html)).contains("<table>", "dr-chan-kwc", "withheld", "Observation/hba1c-1", "陳醫生",
                "&lt;script&gt;").doesNotContain("<script>").doesNotContain("Observation/other-1");

        String tomorrow = LocalDate.now(properties.timezone()).plusDays(1).toString();
        assertThat(text(getWithToken("/api/patients/" + patient + "/disclosures?from=" + tomorrow)))
                .contains("\"disclosed\":0", "\"entries\":[]");
        assertThat(text(getWithToken("/api/patients/" + patient + "/disclosures.html?to=2000-01-01")))
                .contains("No record of this patient was disclosed");
        assertThat(getWithToken("/api/patients/" + patient + "/disclosures?from=last-week").statusCode()).isEqualTo(400);
        // producing the report is audited
        assertThat(audit.search(new AuditTrail.Query(patient, "api-token", List.of("search-type"), null, null), 50, 0)
                .entries()).hasSizeGreaterThanOrEqualTo(4);
    }
}
