package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.browser.BrowserScripts;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.disclose.DeliveryTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A patient's disclosure report (PDPO data access request), written for the patient: masked
 * identity, each record in words, the consent, the true reason for what was withheld, records
 * nobody could receive counted not listed; English and Traditional Chinese; as JSON, as a page
 * with the API token, and in a browser with the console login (printed to PDF); nobody else's.
 */
class DisclosureReportTest extends HubTestSupport {

    private static final String LAB = "{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
            + "\"code\":\"laboratory\"}";

    @Autowired
    private AuditTrail audit;

    @Autowired
    private HarbourProperties properties;

    /** A potassium result with its visit for patient {@code n}: Patient, Encounter, DiagnosticReport, Observation. */
    private String storedPatient(int n) throws Exception {
        String sender = uniqueSender("DR");
        String message = Hl7Samples.potassium(sender, "DR-" + n, n, "6.9", "HH").replace("\rORC|",
                "\rPV1|1|O|KWC^^^KWC||||D1234^黃^美玲^^^^Dr|||||||||||V" + n + "\rORC|");
        try (MllpClient client = connect()) {
            client.send(message.getBytes(StandardCharsets.UTF_8));
        }
        awaitStored(sender, 1);
        return hubPatient(Hl7Samples.hkidOf(n));
    }

    private String first(String type, String patient) {
        String bundle = text(getWithToken("/fhir/" + type + "?patient=" + patient));
        return type + "/" + bundle.replaceAll("(?s).*?\"resourceType\":\"" + type + "\",\"id\":\"([^\"]+)\".*", "$1");
    }

    /** The audit trail as disclosure gives it for one patient: sent, withheld (revoked), and the visit nobody could get. */
    private String[] disclosedAndWithheld(int n) throws Exception {
        String patient = storedPatient(n);
        String observation = first("Observation", patient);
        String encounter = first("Encounter", patient);
        assertThat(sendJson("PUT", "/fhir/Consent/dr-" + n, DeliveryTest.consent("dr-" + n, patient, "inactive",
                "Organization/kwc-clinic", LAB)).statusCode()).isEqualTo(201);
        audit.recordAll(List.of(
                AuditEvents.recordDisclosure(true, "dr-chan-kwc", "dingtalk", patient, observation, "Consent/dr-" + n,
                        "permit: Consent/dr-" + n + " permits Observation to dr-chan-kwc"),
                AuditEvents.recordDisclosure(false, "dr-chan-kwc", "dingtalk", patient, encounter, null,
                        "deny: no active consent permits Encounter to dr-chan-kwc"),
                AuditEvents.recordDisclosure(false, "dr-chan-kwc", "dingtalk", patient, observation, "Consent/dr-" + n,
                        "deny: Consent/dr-" + n + " was revoked (status inactive); it permitted Observation to dr-chan-kwc"
                        + " (checked again at delivery)")));
        return new String[] {patient, observation, encounter};
    }

    @Test
    void speaksToThePatientAboutEachRecordAndTheTrueReason() throws Exception {
        String[] ids = disclosedAndWithheld(401001);
        String patient = ids[0];
        String json = text(getWithToken("/api/patients/" + patient + "/disclosures"));
        String hkid = Hl7Samples.hkidOf(401001);
        assertThat(json).contains("\"patient\":\"Patient/" + patient + "\"", "\"disclosed\":1", "\"withheld\":1",
                "\"notListed\":1", "\"recipient\":\"dr-chan-kwc\"", "\"consent\":\"Consent/dr-401001\"",
                "\"purpose\":\"treatment\"", "\"patientShown\":\"C. T. M. / 陳＊＊, HKID " + hkid.substring(0, 4) + "***(*)\"",
                "Laboratory result: Potassium [Moles/volume] in Serum or Plasma, 22 Nov 2026",
                "\"reason\":\"you had withdrawn the consent that allowed it\"")
                .doesNotContain(ids[2], hkid, "大文");
        String chinese = text(getWithToken("/api/patients/" + patient + "/disclosures.html?lang=zh-HK"));
        assertThat(chinese).contains("<html lang=\"zh-HK\"", "個人資料披露記錄", "化驗結果", "2026年11月22日",
                "您已撤回准許披露的同意書", "另有 1 項附隨記錄").doesNotContain("大文");
        String english = text(getWithToken("/api/patients/" + patient + "/disclosures.html"));
        assertThat(english).contains("Records sent to others", "Records not sent, and why",
                "you had withdrawn the consent", "1 further supporting records", "@media print");
    }

    @Test
    void listsOnlyThatPatientsEntriesInThePeriodAndEscapesWhatItShows() throws Exception {
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
        assertThat(text(json)).contains("\"disclosed\":2", "\"withheld\":1", "\"recipient\":\"dr-chan-kwc\"",
                "\"endpoint\":\"dingtalk\"", "\"record\":\"Observation/hba1c-1\"", "\"consent\":\"Consent/c-1\"",
                "\"decision\":\"deny: no active consent for this recipient\"")
                .doesNotContain("Observation/other-1");

        var html = getWithToken("/api/patients/" + patient + "/disclosures.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html",
                "UTF-8"));
        assertThat(text(html)).contains("<table class=\"disclosed\">", "dr-chan-kwc", "&lt;script&gt;")
                .doesNotContain("<script>").doesNotContain("Observation/other-1");

        String tomorrow = LocalDate.now(properties.timezone()).plusDays(1).toString();
        assertThat(text(getWithToken("/api/patients/" + patient + "/disclosures?from=" + tomorrow)))
                .contains("\"disclosed\":0", "\"entries\":[]");
        assertThat(text(getWithToken("/api/patients/" + patient + "/disclosures.html?to=2000-01-01")))
                .contains("None in this period.");
        assertThat(getWithToken("/api/patients/" + patient + "/disclosures?from=last-week").statusCode()).isEqualTo(400);
        // producing the report is audited
        assertThat(audit.search(new AuditTrail.Query(patient, "api-token", List.of("search-type"), null, null), 50, 0)
                .entries()).hasSizeGreaterThanOrEqualTo(4);
        // the console's page needs the console login
        assertThat(get("/console/patients/" + patient + "/disclosures", "Bearer " + API_TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void aPrivacyOfficerReadsItInABrowserInBothLanguagesAndPrintsIt() throws Exception {
        BrowserScripts.requireBrowser();
        String[] ids = disclosedAndWithheld(401002);
        String printed = BrowserScripts.run("disclosures.mjs", Map.of(
                "HARBOUR_URL", "http://127.0.0.1:" + httpPort,
                "HARBOUR_CONSOLE_USER", "admin",
                "HARBOUR_CONSOLE_PASSWORD", CONSOLE_PASSWORD,
                "HARBOUR_PATIENT", ids[0],
                "HARBOUR_MASKED_HKID", Hl7Samples.hkidOf(401002).substring(0, 4) + "***(*)",
                "HARBOUR_PDF", java.nio.file.Path.of("target/browser-screenshots/disclosures.pdf").toAbsolutePath()
                        .toString()));
        assertThat(printed).contains("all passed");
        assertThat(java.nio.file.Files.size(java.nio.file.Path.of("target/browser-screenshots/disclosures.pdf")))
                .isGreaterThan(5_000);
    }
}
