package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.junit.jupiter.api.Test;

/** Consents through /fhir/Consent: accepted when valid, refused with every reason when not, searchable. */
class ConsentApiTest extends HubTestSupport {

    private HttpResponse<String> send(String method, String path, String body) {
        return sendJson(method, path, body);
    }

    private String patient(int n) throws Exception {
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.potassium("KWC", "CAPI-" + n, n, "4.0", "N"))))
                    .code()).isEqualTo("AA");
        }
        return hubPatient(Hl7Samples.hkidOf(n));
    }

    @Test
    void anInvalidConsentIsRefusedWithEveryReason() throws Exception {
        String bad = "{\"resourceType\":\"Consent\",\"status\":\"active\","
                + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\","
                + "\"code\":\"research\"}]},\"patient\":{\"reference\":\"Patient/nobody\"},"
                + "\"provision\":{\"type\":\"permit\",\"actor\":[{\"reference\":{\"reference\":\"Practitioner/dr-nobody\"}}],"
                + "\"class\":[{\"system\":\"http://example.org/kinds\",\"code\":\"everything\"}],"
                + "\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"HRESCH\"}],"
                + "\"period\":{\"start\":\"2026-12-01\",\"end\":\"2026-11-01\"}}}";
        HttpResponse<String> refused = send("POST", "/fhir/Consent", bad);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("OperationOutcome", "Consent.scope must be patient-privacy",
                "Consent.category is required", "Consent.patient Patient/nobody is not known here",
                "Consent needs a policyRule or a policy", ".actor[0].role is required",
                "Practitioner/dr-nobody is not a configured recipient", "class[0] http://example.org/kinds|everything",
                "purpose HRESCH is not supported", "Consent.provision.period ends before it starts");

        HttpResponse<String> garbage = send("POST", "/fhir/Consent", "{\"resourceType\":\"Consent\",\"statuz\":1}");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("not a FHIR R4 Consent");
        assertThat(send("PUT", "/fhir/Consent/bad%20id", bad).statusCode()).isEqualTo(400);
    }

    @Test
    void aValidConsentIsStoredVersionedAuditedAndFoundByPatient() throws Exception {
        String patient = patient(401001);
        String consent = "{\"resourceType\":\"Consent\",\"status\":\"active\","
                + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\","
                + "\"code\":\"patient-privacy\"}]},"
                + "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],"
                + "\"patient\":{\"reference\":\"Patient/" + patient + "\"},"
                + "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\","
                + "\"code\":\"OPTIN\"}]},"
                + "\"provision\":{\"type\":\"deny\",\"provision\":[{\"type\":\"permit\","
                + "\"actor\":[{\"role\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
                + "\"reference\":{\"reference\":\"Organization/kwc-clinic\"}}],"
                + "\"class\":[{\"system\":\"http://hl7.org/fhir/resource-types\",\"code\":\"AllergyIntolerance\"}]}]}}";
        HttpResponse<String> created = send("POST", "/fhir/Consent", consent);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/fhir/Consent/[0-9a-f\\-]{36}/_history/1");
        String id = location.split("/")[3];

        HttpResponse<String> revoked = send("PUT", "/fhir/Consent/" + id, consent.replace("\"status\":\"active\"",
                "\"status\":\"inactive\""));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.headers().firstValue("ETag")).hasValue("W/\"2\"");
        String found = text(getWithToken("/fhir/Consent?patient=" + patient));
        assertThat(found).contains("\"total\":1", "\"status\":\"inactive\"");
        assertThat(text(getWithToken("/fhir/Consent/" + id + "/_history"))).contains("\"total\":2");
        String trail = text(getWithToken("/fhir/AuditEvent?patient=" + patient + "&subtype=consent-created,consent-revoked"));
        assertThat(trail).contains("\"total\":2", "\"code\":\"consent-created\"", "\"code\":\"consent-revoked\"");
    }
}
