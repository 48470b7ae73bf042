package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import org.harbour.connectors.chat.ChatMessage;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Minimum necessary: what each disclosure level says, masking, watermark, urgency. */
class NotificationRendererTest {

    private static final Instant NOW = Instant.parse("2026-11-22T01:30:05Z");
    private final NotificationRenderer renderer = new NotificationRenderer("https://harbour.example/",
            ZoneId.of("Asia/Hong_Kong"));

    static Patient chan() {
        Patient p = new Patient();
        p.setId("p1");
        p.addName(new HumanName().setFamily("陳").addGiven("大文"));
        p.addName(new HumanName().setFamily("CHAN").addGiven("TAI MAN"));
        p.addIdentifier().setSystem("urn:harbour:id:hkid").setValue("A1234563");
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1960-01-01"));
        p.setGender(Enumerations.AdministrativeGender.MALE);
        return p;
    }

    static Observation hba1c(String flag) {
        Observation o = new Observation();
        o.setId("o1");
        o.getCode().setText("Hemoglobin A1c");
        o.setValue(new Quantity().setValue(new BigDecimal("8.10")).setUnit("%"));
        o.addInterpretation().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                flag, null));
        o.setEffective(new DateTimeType(Date.from(Instant.parse("2026-11-22T00:30:00Z"))));
        o.addReferenceRange().setText("4.0-6.0");
        return o;
    }

    private ChatMessage render(String level, Resource record) {
        return renderer.render("key-1", "dr-chan", level, List.of("85291234567"), chan(), List.of(record), NOW);
    }

    @Test
    void minimumMasksIdentityAndGivesTheResult() {
        ChatMessage m = render("minimum", hba1c("H"));
        assertThat(m.title()).isEqualTo("New result for C. T. M.");
        assertThat(m.lines()).containsExactly("Patient: C. T. M., HKID A123***(*)",
                "Result: Hemoglobin A1c 8.1 % (H), 2026-11-22 08:30");
        assertThat(m.link()).isEqualTo("https://harbour.example/fhir/Observation/o1");
        assertThat(m.watermark()).isEqualTo("Harbour · sent to dr-chan at 2026-11-22 09:30:05 +08:00 · confidential");
        assertThat(m.urgent()).isFalse();
        assertThat(m.mentions()).isEmpty();
        assertThat(String.join("\n", m.lines()) + m.title()).doesNotContain("陳", "大文", "CHAN", "A1234563", "1960");
    }

    @Test
    void linkOnlySaysNothingAboutThePatientOrTheRecord() {
        ChatMessage m = render("link-only", hba1c("HH"));
        assertThat(m.title()).isEqualTo("New record in Harbour");
        assertThat(m.lines()).containsExactly("A new record is available. Open the link to see it (sign-in required).");
        assertThat(m.urgent()).isFalse();
        assertThat(m.link()).isEqualTo("https://harbour.example/fhir/Observation/o1");
    }

    @Test
    void fullGivesAReadableSummaryAndCriticalResultsAreUrgent() {
        ChatMessage m = render("full", hba1c("HH"));
        assertThat(m.title()).isEqualTo("Critical result for 陳 大文 / CHAN TAI MAN");
        assertThat(m.lines()).containsExactly("Patient: 陳 大文 / CHAN TAI MAN, HKID A123***(*), born 1960-01-01, male",
                "Result: Hemoglobin A1c 8.1 % (HH), range 4.0-6.0, 2026-11-22 08:30");
        assertThat(m.urgent()).isTrue();
        assertThat(m.mentions()).containsExactly("85291234567");
    }

    @Test
    void twoLetterHkidsAndChineseOnlyNamesAreMaskedToo() {
        Patient p = new Patient();
        p.addName(new HumanName().setFamily("歐陽").addGiven("小明"));
        p.addIdentifier().setSystem("urn:harbour:id:hkid").setValue("AB1234569");
        assertThat(NotificationRenderer.initials(p)).isEqualTo("歐. 小.");
        assertThat(NotificationRenderer.maskedHkid(p)).isEqualTo("AB123***(*)");
        p.getIdentifierFirstRep().setValue("A1234564-invalid");
        assertThat(NotificationRenderer.maskedHkid(p)).isNull();
    }
}
