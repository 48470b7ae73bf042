package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Records the sender does not number (allergies, diagnoses, vaccinations) and records it numbers
 * itself (documents) keep their ids when a message brings them again: an A08 resends the whole
 * allergy list, a clinic resends a VXU under a new control id. So the record store keeps one
 * record, not one per message.
 */
class StableRecordIdsTest {

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());

    private static String golden(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/golden", name), StandardCharsets.UTF_8);
    }

    private Bundle convert(String message) {
        return translator.convert(message.getBytes(StandardCharsets.UTF_8)).bundle();
    }

    private static List<String> ids(Bundle bundle, Class<? extends Resource> type) {
        return HongKongMessagesTest.all(bundle, type).stream().map(r -> r.getIdElement().getIdPart()).toList();
    }

    @Test
    void anUpdateOfTheSamePatientKeepsTheAllergyAndDiagnosisIds() throws IOException {
        String admit = golden("adt-a01-kwong-wah.hl7");
        // the A08 a ward sends later: new control id, new time, the same allergy and diagnosis
        String update = admit.replace("ADT^A01^ADT_A01|KWH-ADT-0001", "ADT^A08^ADT_A01|KWH-ADT-0002")
                .replace("EVN|A01|", "EVN|A08|");
        assertThat(update).contains("KWH-ADT-0002");
        Bundle first = convert(admit);
        Bundle second = convert(update);

        assertThat(ids(first, AllergyIntolerance.class)).hasSize(1).isEqualTo(ids(second, AllergyIntolerance.class));
        assertThat(ids(first, Condition.class)).hasSize(1).isEqualTo(ids(second, Condition.class));
    }

    @Test
    void anotherPatientWithTheSameAllergyHasAnotherRecord() throws IOException {
        String admit = golden("adt-a01-kwong-wah.hl7");
        String other = admit.replace("KWH00012345^^^KWH^MR~A123456(3)", "KWH00099999^^^KWH^MR~AB123456(9)")
                .replace("KWH-ADT-0001", "KWH-ADT-0003");

        assertThat(ids(convert(admit), AllergyIntolerance.class))
                .doesNotContainAnyElementsOf(ids(convert(other), AllergyIntolerance.class));
    }

    @Test
    void aResentVaccinationAndDocumentKeepTheirIds() throws IOException {
        String vxu = golden("vxu-v04-flu.hl7");
        String vxuResent = vxu.replace("|ST-VXU-1|", "|ST-VXU-1-RESENT|");
        String mdm = golden("mdm-t02-discharge.hl7");
        String controlId = mdm.split("\\|", 11)[9];
        String mdmResent = mdm.replace("|" + controlId + "|", "|" + controlId + "-2|");
        assertThat(vxuResent).isNotEqualTo(vxu);
        assertThat(mdmResent).isNotEqualTo(mdm);

        assertThat(ids(convert(vxu), Immunization.class)).isNotEmpty()
                .isEqualTo(ids(convert(vxuResent), Immunization.class));
        assertThat(ids(convert(mdm), DocumentReference.class)).isNotEmpty()
                .isEqualTo(ids(convert(mdmResent), DocumentReference.class));
    }

    @Test
    void withoutAnyKeyTheMessageAndPositionDecide() throws IOException {
        // no PID-3 identifier to scope an allergy by: each message's allergy is its own
        String admit = golden("adt-a01-kwong-wah.hl7").replace("KWH00012345^^^KWH^MR~A123456(3)^^^HKID^NNHKG", "");
        String resent = admit.replace("KWH-ADT-0001", "KWH-ADT-0009");
        assertThat(ids(convert(admit), AllergyIntolerance.class))
                .doesNotContainAnyElementsOf(ids(convert(resent), AllergyIntolerance.class));
    }

    @Test
    void aControlIdCollisionGivesTheMessagesOwnResourcesOtherIdsAndKeepsTheSendersRecords() throws IOException {
        byte[] result = golden("oru-r01-micro.hl7").getBytes(StandardCharsets.UTF_8);
        Bundle first = translator.convert(result).bundle();
        Bundle collided = translator.convert(result, "1").bundle();

        // what belongs to the message itself (its header, its provenance, the bundle) is its own
        assertThat(collided.getIdElement().getIdPart()).isNotEqualTo(first.getIdElement().getIdPart());
        assertThat(ids(collided, org.hl7.fhir.r4.model.MessageHeader.class))
                .doesNotContainAnyElementsOf(ids(first, org.hl7.fhir.r4.model.MessageHeader.class));
        assertThat(ids(collided, org.hl7.fhir.r4.model.Provenance.class))
                .doesNotContainAnyElementsOf(ids(first, org.hl7.fhir.r4.model.Provenance.class));
        // results keyed by the sender's order numbers are the same records whichever message brings them
        assertThat(ids(collided, org.hl7.fhir.r4.model.Observation.class)).isNotEmpty()
                .isEqualTo(ids(first, org.hl7.fhir.r4.model.Observation.class));
        assertThat(translator.convert(result, "1").bundle().getIdElement().getIdPart())
                .as("deterministic").isEqualTo(collided.getIdElement().getIdPart());
    }

    @Test
    void anotherApplicationOfTheSameFacilityGivesTheMessagesOwnResourcesOtherIds() throws IOException {
        String lab = golden("oru-r01-micro.hl7");
        String radiology = lab.replace("MSH|^~\\&|LIS|QMH|", "MSH|^~\\&|RIS|QMH|");
        assertThat(radiology).isNotEqualTo(lab);
        assertThat(convert(radiology).getIdElement().getIdPart()).isNotEqualTo(convert(lab).getIdElement().getIdPart());
        assertThat(ids(convert(radiology), org.hl7.fhir.r4.model.MessageHeader.class))
                .doesNotContainAnyElementsOf(ids(convert(lab), org.hl7.fhir.r4.model.MessageHeader.class));
    }
}
