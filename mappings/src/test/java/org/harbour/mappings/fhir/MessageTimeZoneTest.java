package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

/**
 * Which zone a timestamp without an offset is read in: the offset of the same message's MSH-7,
 * else the sending facility's configured zone, else harbour.timezone.
 */
class MessageTimeZoneTest {

    private static String oru(String facility, String msh7) {
        return "MSH|^~\\&|LIS|" + facility + "|HARBOUR|HUB|" + msh7 + "||ORU^R01^ORU_R01|TZ-1|P|2.5.1\r"
                + "PID|1||A1234563^^^HKID^NNHKG||陳^大文||19600101|M\r"
                + "OBR|1|ORD-1|LAB-1|2823-3^Potassium^LN|||20261122083000\r"
                + "OBX|1|NM|2823-3^Potassium^LN||4.1|mmol/L^mmol/L^UCUM|3.5-5.1|N|||F|||20261122083000\r";
    }

    private static String effective(Conversion conversion) {
        return conversion.bundle().getEntry().stream().map(e -> e.getResource()).filter(Observation.class::isInstance)
                .map(Observation.class::cast).findFirst().orElseThrow().getEffectiveDateTimeType().getValueAsString();
    }

    @Test
    void aTimestampWithoutOffsetTakesTheOffsetOfTheMessageTime() {
        Conversion conversion = new V2ToFhir(TranslatorSettings.defaults()).convert(oru("SFO", "20261122090000-0700"));
        assertThat(effective(conversion)).isEqualTo("2026-11-22T08:30:00-07:00");
    }

    @Test
    void withoutAnOffsetInMsh7TheSendersZoneThenTheHubsZoneDecide() {
        TranslatorSettings settings = TranslatorSettings.defaults()
                .withSenderTimezones(Map.of("SFO", ZoneId.of("America/Los_Angeles")));
        V2ToFhir translator = new V2ToFhir(settings);
        // 22 November: Pacific standard time
        assertThat(effective(translator.convert(oru("SFO", "20261122090000")))).isEqualTo("2026-11-22T08:30:00-08:00");
        assertThat(effective(translator.convert(oru("KWH", "20261122090000")))).isEqualTo("2026-11-22T08:30:00+08:00");
    }

    @Test
    void aMessageWithoutATimeIsRecordedAtTheTranslationTimeAndSaysSo() {
        Instant now = Instant.parse("2026-12-07T01:02:03Z");
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)));
        Conversion conversion = translator.convert(oru("KWH", ""));
        Provenance provenance = conversion.bundle().getEntry().stream().map(e -> e.getResource())
                .filter(Provenance.class::isInstance).map(Provenance.class::cast).findFirst().orElseThrow();
        assertThat(provenance.getRecorded().toInstant()).isEqualTo(now);
        assertThat(conversion.report().entries()).anyMatch(e -> e.location().equals("MSH[0]-7")
                && e.message().contains("translated"));
    }
}
