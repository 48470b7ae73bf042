package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.harbour.routes.Hl7Samples;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A hospital's FHIR server receives what a clinic sends, as the patient's consent allows: the
 * server is HAPI FHIR's own RestfulServer in the test JVM. Searched by HKID afterwards, it has the
 * patient and the results; a replay changes no counts; a patient it refuses is dead-lettered with
 * its OperationOutcome.
 */
class FhirDestinationTest extends DestinationTestSupport {

    private static final HospitalFhirServer QMH = start();

    private static HospitalFhirServer start() {
        try {
            return new HospitalFhirServer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        QMH.close();
    }

    @DynamicPropertySource
    static void destination(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "fhir-destination-test");
        String at = "harbour.recipients.qmh-fhir.";
        registry.add(at + "name", () -> "瑪麗醫院 FHIR server");
        registry.add(at + "organization", () -> "qmh");
        registry.add(at + "endpoint.type", () -> "fhir");
        registry.add(at + "endpoint.url", QMH::baseUrl);
        registry.add(at + "endpoint.ack-timeout", () -> "5s");
        registry.add(at + "endpoint.auth.token", () -> "qmh-bearer-token-0123");
        registry.add("harbour.delivery.initial-delay", () -> "50ms");
        registry.add("harbour.delivery.maximum-delay", () -> "200ms");
        registry.add("harbour.delivery.maximum-attempts", () -> "20");
    }

    private String patientWithConsent(int n, String family) throws Exception {
        return patientWithConsent("KWC", n, family, "qmh", "Organization/qmh");
    }

    @Test
    void theHospitalServerHasThePatientAndTheResultsAndAReplayChangesNoCounts() throws Exception {
        int n = 601001;
        String patient = patientWithConsent(n, "陳");
        String hkid = Hl7Samples.hkidOf(n);
        send(Hl7Samples.potassium("KWC", "H" + n + "-1", n, "6.4", "HH"));
        await().atMost(Duration.ofSeconds(30)).until(() -> audited(patient, "disclosed").size() >= 1);

        // searched as any FHIR client would: by HKID, then the patient's results
        IGenericClient client = FhirContext.forR4Cached().newRestfulGenericClient(QMH.baseUrl());
        Bundle found = client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly()
                .systemAndCode("urn:harbour:id:hkid", hkid)).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
        String serverId = found.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertThat(serverId).as("the server's own id for the patient").isNotEqualTo(patient);
        Bundle results = client.search().forResource(Observation.class).where(Observation.PATIENT.hasId(serverId))
                .returnBundle(Bundle.class).execute();
        assertThat(results.getEntry()).extracting(e -> ((Observation) e.getResource()).getValueQuantity().getValue()
                .toPlainString()).contains("6.4");
        assertThat(audited(patient, "disclosed")).allSatisfy(e -> assertThat(e.getOutcomeDesc())
                .contains("permit: Consent/qmh-" + n, "delivered to the FHIR server"));
        // with the destination's bearer token
        assertThat(QMH.authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo("Bearer qmh-bearer-token-0123"));

        // a replay of the message: the same records updated, not new ones
        int patients = QMH.count("Patient");
        int observations = QMH.count("Observation");
        String messageId = storedFrom("KWC").stream().filter(m -> m.controlId().equals("H" + n + "-1")).findFirst()
                .orElseThrow().id();
        assertThat(postWithToken("/api/messages/" + messageId + "/replay").statusCode()).isEqualTo(202);
        awaitStored("KWC", storedFrom("KWC").size());
        awaitInboundDrained();
        assertThat(QMH.count("Patient")).isEqualTo(patients);
        assertThat(QMH.count("Observation")).isEqualTo(observations);
    }

    @Test
    void aPatientTheServerRefusesIsDeadLetteredWithItsOperationOutcome() throws Exception {
        int n = 601002;
        String patient = patientWithConsent(n, "REFUSED");
        send(Hl7Samples.potassium("KWC", "H" + n + "-1", n, "2.8", "LL").replace("陳^大文", "REFUSED^大文"));
        jms.setReceiveTimeout(30_000);
        jakarta.jms.Message dead = jms.receiveSelected(org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                "HarbourFailedRoute = 'deliver-qmh-fhir' AND HarbourPatientId = '" + patient + "'");
        assertThat(dead).isNotNull();
        assertThat(new String(seal.open(java.util.Base64.getDecoder().decode(dead.getStringProperty(
                org.harbour.routes.Headers.FAILURE_DETAIL))), StandardCharsets.UTF_8))
                .contains("qmh-fhir answered HTTP 422", "patient not known at this hospital");
        assertThat(audited(patient, "disclosed")).isEmpty();
    }
}
