package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** The Hong Kong behaviours of the translator, one by one, on the golden messages. */
class HongKongMessagesTest {

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());

    private Conversion convert(String golden) throws IOException {
        return translator.convert(Files.readAllBytes(Path.of("src/test/resources/golden", golden)));
    }

    static <T extends Resource> List<T> all(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }

    @Test
    void aValidHkidIsNormalisedUnderTheHkidSystemAndTheChineseNameIsMarkedIdeographic() throws IOException {
        Patient patient = all(convert("adt-a01-kwong-wah.hl7").bundle(), Patient.class).get(0);
        assertThat(patient.getIdentifier()).anySatisfy(id -> {
            assertThat(id.getSystem()).isEqualTo("urn:harbour:id:hkid");
            assertThat(id.getValue()).isEqualTo("A1234563");
        });
        HumanName chinese = patient.getName().stream().filter(n -> "陳".equals(n.getFamily())).findFirst().orElseThrow();
        assertThat(chinese.getText()).isEqualTo("陳大文");
        assertThat(chinese.getExtensionByUrl(V2Types.REPRESENTATION).getValue().primitiveValue()).isEqualTo("IDE");
        assertThat(patient.getTelecom()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo("+852 91234567"));
        assertThat(patient.getCommunicationFirstRep().getLanguage().getCodingFirstRep().getCode()).isEqualTo("zh-HK");
    }

    @Test
    void aByteOrderMarkBeforeABig5MessageIsNotPartOfIt() {
        String message = "MSH|^~\\&|CLINIC|TSW|HARBOUR|HUB|20261203101500+0800||ADT^A08^ADT_A01|BOM-1|P|2.5.1|||AL|NE|HKG"
                + "|BIG-5\rEVN|A08|20261203101500+0800\rPID|1||A1234563^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r";
        for (java.nio.charset.Charset charset : List.of(java.nio.charset.Charset.forName("Big5"),
                java.nio.charset.Charset.forName("GB18030"))) {
            byte[] body = message.replace("BIG-5", charset.name().equals("Big5") ? "BIG-5" : "GB18030").getBytes(charset);
            byte[] withBom = new byte[body.length + 3];
            withBom[0] = (byte) 0xEF;
            withBom[1] = (byte) 0xBB;
            withBom[2] = (byte) 0xBF;
            System.arraycopy(body, 0, withBom, 3, body.length);

            Patient patient = all(translator.convert(withBom).bundle(), Patient.class).get(0);

            assertThat(patient.getName()).as(charset.name()).anySatisfy(n -> assertThat(n.getText()).isEqualTo("陳大文"));
        }
    }

    @Test
    void aDocumentWithoutAVisitConvertsWithoutAnEncounterAndValidates() {
        // MDM with no PV1: the document stands on its own (this once failed with a NullPointerException)
        String message = "MSH|^~\\&|EMR|QMH|HARBOUR|HUB|20261204120000+0800||MDM^T02^MDM_T02|DOC-NOPV1|P|2.5.1|||AL|NE|HKG"
                + "|UNICODE UTF-8\rEVN|T02|20261204120000+0800\rPID|1||A1234563^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r"
                + "TXA|1|DS|TX|20261204115500+0800|||||||DOC-NOPV1||||||AU\r"
                + "OBX|1|TX|18842-5^Discharge summary^LN||出院摘要 stable||||||F\r";
        Conversion c = translator.convert(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        org.hl7.fhir.r4.model.DocumentReference doc = all(c.bundle(), org.hl7.fhir.r4.model.DocumentReference.class)
                .get(0);
        assertThat(doc.getContext().getEncounter()).isEmpty();
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void anInvalidHkidIsKeptAsGivenReportedAndNeverUnderTheHkidSystem() throws IOException {
        Conversion c = convert("adt-a01-invalid-hkid.hl7");
        Patient patient = all(c.bundle(), Patient.class).get(0);
        assertThat(patient.getIdentifier()).extracting(Identifier::getSystem).doesNotContain("urn:harbour:id:hkid");
        assertThat(patient.getIdentifier()).anySatisfy(id -> assertThat(id.getValue()).isEqualTo("A123456(4)"));
        assertThat(c.report().entries(ConversionReport.Severity.WARNING))
                .anySatisfy(e -> assertThat(e.message()).contains("HKID fails its check digit"));
        assertThat(c.report().entries()).anySatisfy(e -> assertThat(e.message()).startsWith("Z-segment kept")
                .contains("Prefers Cantonese"));
    }

    @Test
    void big5ChineseIsDecodedByMsh18() throws IOException {
        Conversion c = convert("oru-r01-lipid-big5.hl7");
        Patient patient = all(c.bundle(), Patient.class).get(0);
        assertThat(patient.getName()).anySatisfy(n -> assertThat(n.getText()).isEqualTo("李小龍"));
        assertThat(all(c.bundle(), Observation.class)).anySatisfy(o ->
                assertThat(o.getNoteFirstRep().getText()).isEqualTo("空腹抽血"));
        Observation hba1c = all(c.bundle(), Observation.class).stream()
                .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("4548-4")).findFirst().orElseThrow();
        assertThat(hba1c.getValueQuantity().getValue()).isEqualByComparingTo("8.1");
        assertThat(hba1c.getValueQuantity().getCode()).isEqualTo("%");
        assertThat(hba1c.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("4.0");
        assertThat(hba1c.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("H");
        assertThat(hba1c.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("laboratory");
    }

    @Test
    void correctionsEscapesLocalTimesAndStructuredNumbers() throws IOException {
        Conversion c = convert("oru-r01-correction-escapes.hl7");
        DiagnosticReport report = all(c.bundle(), DiagnosticReport.class).get(0);
        assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.CORRECTED);
        Observation potassium = all(c.bundle(), Observation.class).get(0);
        assertThat(potassium.getStatus()).isEqualTo(Observation.ObservationStatus.CORRECTED);
        assertThat(potassium.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-11-23T07:00:00+08:00");
        assertThat(potassium.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("HH");
        assertThat(potassium.getNoteFirstRep().getText())
                .isEqualTo("Corrected result\nHaemolysed sample|recollect^repeat & confirm\\ A ok~");
        Observation egfr = all(c.bundle(), Observation.class).get(1);
        Quantity q = egfr.getValueQuantity();
        assertThat(q.getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_THAN);
        assertThat(q.getValue()).isEqualByComparingTo("60");
        assertThat(q.getCode()).isEqualTo("mL/min/{1.73_m2}");
        assertThat(all(c.bundle(), Observation.class).get(2).getValueStringType().getValue())
                .isEqualTo("See note | call ward");
        assertThat(all(c.bundle(), Patient.class).get(0).getBirthDateElement().getValueAsString()).isEqualTo("1985");
    }

    @Test
    void aReplayedMessageYieldsIdenticalResources() throws IOException {
        var parser = R4Validation.FHIR.newJsonParser();
        String first = parser.encodeResourceToString(convert("oru-r01-micro.hl7").bundle());
        String second = parser.encodeResourceToString(convert("oru-r01-micro.hl7").bundle());
        assertThat(second).isEqualTo(first);
    }

    private static final String POTASSIUM = "MSH|^~\\&|LIS|KWC|HARBOUR|HUB|20261123081500+0800||ORU^R01^ORU_R01|%s|P|2.5.1\r"
            + "PID|1||KWC-88^^^KWC^MR~A123456(3)^^^HKID^NNHKG||CHAN^TAI MAN||19600101|M\r"
            + "PV1|1|O|KWC-OPD||||D100^LEE^MEI||||||||||||V-2026-77^^^KWC^VN\r"
            + "ORC|RE|PL-900^KWC|FL-900^KWCLAB||CM||||20261123070000+0800|||D100^LEE^MEI\r"
            + "OBR|1|PL-900^KWC|FL-900^KWCLAB|2823-3^Potassium^LN|||20261123070000+0800||||||||||||||20261123081000+0800||CH|%s\r"
            + "OBX|1|NM|2823-3^Potassium^LN||%s|mmol/L|3.5-5.1|%s|||%s|||20261123070000+0800\r"
            + "OBX|2|ST|8251-1^Service comment^LN||haemolysed||||||%s\r"
            + "OBX|3|ST|8251-1^Service comment^LN||recollect||||||%s\r";

    private Bundle potassium(String controlId, String value, String flag, String status) {
        return translator.convert(String.format(POTASSIUM, controlId, status, value, flag, status, status, status)
                .getBytes(StandardCharsets.UTF_8)).bundle();
    }

    private static List<String> ids(Bundle bundle, Class<? extends Resource> type) {
        return all(bundle, type).stream().map(Resource::getIdPart).map(String.class::cast).toList();
    }

    @Test
    void aResultResentUnderAnotherControlIdOrCorrectedKeepsItsRecordIds() {
        Bundle first = potassium("KWC-1", "6.2", "HH", "F");
        Bundle resent = potassium("KWC-2", "6.2", "HH", "F");
        Bundle corrected = potassium("KWC-3", "5.0", "N", "C");
        for (Class<? extends Resource> type : List.of(Observation.class, DiagnosticReport.class,
                org.hl7.fhir.r4.model.ServiceRequest.class, org.hl7.fhir.r4.model.Encounter.class,
                org.hl7.fhir.r4.model.Practitioner.class)) {
            assertThat(ids(resent, type)).as(type.getSimpleName()).isNotEmpty().isEqualTo(ids(first, type));
            assertThat(ids(corrected, type)).as(type.getSimpleName()).isEqualTo(ids(first, type));
        }
        // two comments of the same test without sub-ids stay two records
        assertThat(ids(first, Observation.class)).hasSize(3).doesNotHaveDuplicates();
        Observation fixed = all(corrected, Observation.class).get(0);
        assertThat(fixed.getStatus()).isEqualTo(Observation.ObservationStatus.CORRECTED);
        assertThat(fixed.getValueQuantity().getValue()).isEqualByComparingTo("5.0");
        // what belongs to the message itself is the message's own
        assertThat(ids(resent, org.hl7.fhir.r4.model.MessageHeader.class))
                .doesNotContainAnyElementsOf(ids(first, org.hl7.fhir.r4.model.MessageHeader.class));
        // the same numbers from another sender are another sender's records
        Bundle elsewhere = translator.convert(String.format(POTASSIUM, "KWC-1", "F", "6.2", "HH", "F", "F", "F")
                .replace("|LIS|KWC|", "|LIS|QMH|").getBytes(StandardCharsets.UTF_8)).bundle();
        assertThat(ids(elsewhere, Observation.class)).doesNotContainAnyElementsOf(ids(first, Observation.class));
    }

    @Test
    void microbiologySusceptibilitiesHangUnderTheirOrganism() throws IOException {
        Conversion c = convert("oru-r01-micro.hl7");
        List<Observation> observations = all(c.bundle(), Observation.class);
        Observation organism = observations.get(0);
        assertThat(organism.getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("112283007");
        assertThat(organism.getHasMember()).hasSize(2);
        Observation ampicillin = observations.get(2);
        assertThat(ampicillin.getValueQuantity().getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_OR_EQUAL);
        assertThat(ampicillin.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("R");
        assertThat(organism.getHasMember().get(0).getReference()).isEqualTo("urn:uuid:" + ampicillin.getIdPart());
        assertThat(organism.getSpecimen().getReference()).isNotNull();
    }

    @Test
    void aMergeLinksThePriorPatientToTheSurvivor() throws IOException {
        List<Patient> patients = all(convert("adt-a40-merge.hl7").bundle(), Patient.class);
        Patient survivor = patients.get(0);
        Patient prior = patients.get(1);
        assertThat(prior.getIdentifierFirstRep().getValue()).isEqualTo("PWH-OLD-9");
        assertThat(prior.getActive()).isFalse();
        assertThat(prior.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(prior.getLinkFirstRep().getOther().getReference()).isEqualTo("urn:uuid:" + survivor.getIdPart());
        assertThat(survivor.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACES);
    }

    @Test
    void documentTextAndVaccinations() throws IOException {
        DocumentReference doc = all(convert("mdm-t02-discharge.hl7").bundle(), DocumentReference.class).get(0);
        String text = new String(doc.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8);
        assertThat(text).contains("出院診斷：二型糖尿病。").contains("Follow up at GOPD");
        Immunization flu = all(convert("vxu-v04-flu.hl7").bundle(), Immunization.class).get(0);
        assertThat(flu.getStatus()).isEqualTo(Immunization.ImmunizationStatus.COMPLETED);
        assertThat(flu.getLotNumber()).isEqualTo("FLU2026A");
        assertThat(flu.getVaccineCode().getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/cvx");
        assertThat(flu.getRoute().getCodingFirstRep().getCode()).isEqualTo("C28161");
    }

    @Test
    void aMessageTypeWithoutMappingIsFlaggedButStillValid() {
        Conversion c = translator.convert("MSH|^~\\&|X|KWH|HUB|HUB|20261122093000+0800||QRY^A19|Q1|P|2.4\r"
                + "QRD|20261122|R|I|Q1|||1^RD|A1234563|DEM\r");
        assertThat(c.mapped()).isFalse();
        assertThat(c.report().entries(ConversionReport.Severity.WARNING)).isNotEmpty();
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }
}
