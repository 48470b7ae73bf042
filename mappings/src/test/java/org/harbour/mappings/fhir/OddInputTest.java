package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;

/**
 * Input other senders really send (found in other projects' published messages): odd values are
 * reported, raw HL7 never reaches a text field, and codes HL7 does not define never claim HL7's
 * closed code systems.
 */
class OddInputTest {

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());

    static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
        return HongKongMessagesTest.all(bundle, type);
    }

    private static boolean reported(Conversion c, String location, String words) {
        return c.report().entries().stream().anyMatch(e -> e.location().equals(location) && e.message().contains(words));
    }

    @Test
    void implausibleDatesUnknownVersionsAndMissingControlIdsAreReported() {
        Conversion c = translator.convert("MSH|^~\\&|LIS|KWH|||20261122090000+0800||ADT^A04|  |P|2.999\r"
                + "PID|1||A1234563^^^HKID^NNHKG||陳^大文||10131113|M\r");
        assertThat(reported(c, "PID[1]-7", "implausible")).isTrue();
        assertThat(reported(c, "MSH[0]-12", "2.999")).isTrue();
        assertThat(reported(c, "MSH[0]-10", "control id")).isTrue();
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void aMessageWithoutSenderGetsANamedNamespaceNotAnEmptyOne() {
        Conversion c = translator.convert("MSH|^~\\&||||||20261122090000+0800||ADT^A04|N-1|P|2.5.1\r"
                + "PID|1||778899^^^^JHN||CHAN^TAI MAN\r");
        Patient patient = all(c.bundle(), Patient.class).get(0);
        assertThat(patient.getIdentifierFirstRep().getSystem()).isEqualTo("urn:harbour:id:unknown-sender:jhn");
        assertThat(reported(c, "MSH[0]-4", "unknown-sender")).isTrue();
    }

    @Test
    void valuesInTheWrongComponentBecomeTheirWordsNotRawHl7() {
        Conversion c = translator.convert("MSH|^~\\&|LIS|LODI|||20261122090000+0100||ORU^R01|W-1|P|2.5.1\r"
                + "PID|1||A1234563^^^HKID^NNHKG||ROSSI^MARIO\r"
                + "PV1|1|I|^^^^^^^^^^OSPEDALE MAGGIORE DI LODI&LODI\r"
                + "OBR|1|O-1|F-1|^^^^12345413S012022\r"
                + "OBX|1|ST|8251-1^Note^LN||ok||||||F|||20261122080000|||||20261122\r"
                + "SPM|1|S-1||^^NASOPHARYNX\r");
        Location ward = all(c.bundle(), Location.class).get(0);
        assertThat(ward.getName()).isEqualTo("OSPEDALE MAGGIORE DI LODI LODI");
        Specimen specimen = all(c.bundle(), Specimen.class).get(0);
        assertThat(specimen.getType().getText()).isEqualTo("NASOPHARYNX");
        assertThat(all(c.bundle(), org.hl7.fhir.r4.model.ServiceRequest.class).get(0).getCode().getText())
                .isEqualTo("12345413S012022");
        // a date-only OBX-19 where an instant is needed: reported, not forgotten
        assertThat(all(c.bundle(), Observation.class).get(0).hasIssued()).isFalse();
        assertThat(reported(c, "OBX[4]-19", "20261122")).isTrue();
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void aDocumentsCopyRecipientsArePeopleAndItsTitleIsItsDescription() {
        Conversion c = translator.convert("MSH|^~\\&|EMR|QEH|||20261125160000+0800||MDM^T02|D-1|P|2.6\r"
                + "PID|1||A1234563^^^HKID^NNHKG||陳^大文\r"
                + "TXA|1|DS|TX|20261125150000+0800||||||||DOC-1|||||AU||||||5742200445^Smith^Natasha^^^^^^&372526&L^L^^"
                + "^NPI||Discharge summary\r"
                + "OBX|1|TX|18842-5^Discharge summary^LN||Home with follow-up.||||||F\r");
        DocumentReference doc = all(c.bundle(), DocumentReference.class).get(0);
        assertThat(doc.getDescription()).isEqualTo("Discharge summary");
        assertThat(doc.getExtensionByUrl("urn:harbour:extension:distributed-copy").getValue())
                .isInstanceOf(org.hl7.fhir.r4.model.Reference.class);
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void anA24LinksTheTwoPatientsItNames() {
        Conversion c = translator.convert("MSH|^~\\&|PMI|QEH|||20261122090000+0800||ADT^A24^ADT_A24|L-1|P|2.5.1\r"
                + "EVN|A24|20261122090000+0800\r"
                + "PID|1||QEH-1^^^QEH^MR||陳^大文\r"
                + "PID|2||A1234563^^^HKID^NNHKG||陳^大文\r");
        List<Patient> patients = all(c.bundle(), Patient.class);
        assertThat(patients).hasSize(2);
        assertThat(patients.get(0).getLinkFirstRep().getOther().getReference())
                .isEqualTo("urn:uuid:" + patients.get(1).getIdElement().getIdPart());
        assertThat(patients.get(1).getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.SEEALSO);
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void aBatchEnvelopeIsKeptApartFromItsMessages() {
        byte[] file = ("FHS|^~\\&|LIS|KWH|||20261122||F-9\rBHS|^~\\&|LIS|KWH\r"
                + "MSH|^~\\&|LIS|KWH|||20261122090000+0800||ADT^A04|B-1|P|2.5.1\rPID|1||A1234563^^^HKID^NNHKG\r"
                + "BTS|1\rFTS|1\r").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(org.harbour.mappings.hl7.Hl7Batch.split(file)).hasSize(1);
        assertThat(org.harbour.mappings.hl7.Hl7Batch.envelope(file)).containsExactly(
                "FHS|^~\\&|LIS|KWH|||20261122||F-9", "BHS|^~\\&|LIS|KWH", "BTS|1", "FTS|1");
    }

    @Test
    void codesHl7DoesNotDefineGoUnderTheSendersOwnSystem() {
        Conversion c = translator.convert("MSH|^~\\&|APP|FAC|||20261122090000+0800||ZZZ^Z99|Z-1|P|2.5.1\r"
                + "PID|1||A1234563^^^HKID^NNHKG||CHAN^TAI MAN|||||||||||||||||||||||||||AAA\r");
        MessageHeader header = all(c.bundle(), MessageHeader.class).get(0);
        assertThat(header.getEventCoding().getSystem()).isEqualTo("urn:harbour:code:FAC:HL70003");
        assertThat(all(c.bundle(), Patient.class).get(0).getMeta().getTagFirstRep().getSystem())
                .isEqualTo("urn:harbour:code:FAC:HL70445");
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }
}
