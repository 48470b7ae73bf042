package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/** A clinic's pushed FHIR Bundle made ready for the record store: hub ids per sender, references followed, valid R4. */
class FhirBundleIntakeTest {

    private final FhirBundleIntake intake = new FhirBundleIntake(R4Validation.FHIR);

    private static byte[] order(String type) {
        return ("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
                + "{\"fullUrl\":\"http://clinic.example/fhir/Patient/p7\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p7\","
                + "\"identifier\":[{\"system\":\"urn:harbour:id:hkid\",\"value\":\"A1234563\"}],"
                + "\"name\":[{\"family\":\"陳\",\"given\":[\"大文\"]}]},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p7\"}},"
                + "{\"resource\":{\"resourceType\":\"ServiceRequest\",\"id\":\"o1\",\"status\":\"active\",\"intent\":\"order\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\"}]},"
                + "\"subject\":{\"reference\":\"Patient/p7\"},\"requester\":{\"reference\":\"Practitioner/elsewhere\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"ServiceRequest\"}}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPushedOrderGetsHubIdsPerSenderWithItsReferencesFollowedAndValidates() throws Exception {
        Conversion kwc = intake.convert(order("transaction"), "kwc-clinic", "B-1");
        List<Bundle.BundleEntryComponent> entries = kwc.bundle().getEntry();
        Patient patient = (Patient) entries.get(0).getResource();
        ServiceRequest sr = (ServiceRequest) entries.get(1).getResource();
        assertThat(sr.getSubject().getReference()).isEqualTo("urn:uuid:" + patient.getIdPart());
        assertThat(sr.getRequester().getReference()).isEqualTo("Practitioner/elsewhere");
        assertThat(kwc.report().entries()).anySatisfy(e -> assertThat(e.message()).contains("Practitioner/elsewhere"));
        assertThat(entries.get(2).getResource()).isInstanceOf(Provenance.class);
        assertThat(((Provenance) entries.get(2).getResource()).getTarget()).hasSize(2);
        assertThat(R4Validation.errors(kwc.bundle())).isEmpty();
        // the same Bundle again is the same records; another clinic's "o1" is another record
        assertThat(intake.convert(order("batch"), "kwc-clinic", "B-2").bundle().getEntry().get(1).getResource().getIdPart())
                .isEqualTo(sr.getIdPart());
        assertThat(intake.convert(order("batch"), "qmh", "B-1").bundle().getEntry().get(1).getResource().getIdPart())
                .isNotEqualTo(sr.getIdPart());
    }

    @Test
    void whatCannotBeTakenIsRefusedWithEveryReason() {
        assertThatThrownBy(() -> intake.check(order("collection")))
                .isInstanceOf(FhirBundleIntake.RefusedException.class).hasMessageContaining("transaction or batch");
        byte[] delete = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/2\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> intake.check(delete)).isInstanceOfSatisfying(FhirBundleIntake.RefusedException.class,
                e -> assertThat(e.reasons()).containsExactly("Bundle.entry[0]: no resource",
                        "Bundle.entry[1]: request method DELETE is not taken (POST or PUT only)"));
        assertThatThrownBy(() -> intake.check("{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FhirBundleIntake.RefusedException.class);
    }

    @Test
    void consentsAndCareTeamsAreNotTakenInAPushedBundle() {
        byte[] pushed = ("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{\"code\":"
                + "\"patient-privacy\"}]},\"category\":[{\"coding\":[{\"code\":\"59284-0\"}]}],\"patient\":{\"reference\":"
                + "\"Patient/p7\"}},\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}},"
                + "{\"resource\":{\"resourceType\":\"CareTeam\",\"status\":\"active\",\"subject\":{\"reference\":"
                + "\"Patient/p7\"}},\"request\":{\"method\":\"POST\",\"url\":\"CareTeam\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> intake.check(pushed)).isInstanceOfSatisfying(FhirBundleIntake.RefusedException.class,
                e -> assertThat(e.reasons()).containsExactly(
                        "Bundle.entry[0]: a Consent is not taken in a pushed Bundle; send it to POST /fhir/Consent"
                                + " (validated, authorised and audited there)",
                        "Bundle.entry[1]: a CareTeam is not taken in a pushed Bundle; send it to POST /fhir/CareTeam"
                                + " (validated, authorised and audited there)"));
        // nor converted, should one be replayed from the message store
        assertThatThrownBy(() -> intake.convert(pushed, "kwc-clinic", "B-9"))
                .isInstanceOf(FhirBundleIntake.RefusedException.class);
    }
}
