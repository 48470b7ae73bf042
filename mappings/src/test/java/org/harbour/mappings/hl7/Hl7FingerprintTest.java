package org.harbour.mappings.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A resend is the same message with perhaps a new MSH-7; anything else is another message. */
class Hl7FingerprintTest {

    private static final String LAB = "MSH|^~\\&|LIS|KWC|HARBOUR|HUB|%s||ORU^R01|KWC-1001|P|2.5.1|||||HKG|UNICODE UTF-8\r"
            + "PID|1||A1234563^^^HKID^NNHKG||陳^大文||19650312|M\r"
            + "OBX|1|NM|2345-7^Glucose^LN||%s|mmol/L|||||F\r";

    private static String fingerprint(String time, String value) {
        return Hl7Fingerprint.of(LAB.formatted(time, value).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aResendWithANewMessageTimeHasTheSameFingerprint() {
        assertThat(fingerprint("20261203093000+0800", "5.6")).isEqualTo(fingerprint("20261203094500+0800", "5.6"))
                .hasSize(64);
    }

    @Test
    void anyOtherDifferenceChangesIt() {
        assertThat(fingerprint("20261203093000+0800", "5.6")).isNotEqualTo(fingerprint("20261203093000+0800", "5.7"));
        String radiology = LAB.formatted("20261203093000+0800", "5.6").replace("|LIS|KWC|", "|RIS|KWC|");
        assertThat(Hl7Fingerprint.of(radiology.getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(fingerprint("20261203093000+0800", "5.6"));
    }

    @Test
    void aByteOrderMarkAndOtherFieldSeparatorsAreHandled() {
        byte[] plain = LAB.formatted("20261203093000+0800", "5.6").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[plain.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(plain, 0, withBom, 3, plain.length);
        assertThat(Hl7Fingerprint.of(withBom)).isEqualTo(Hl7Fingerprint.of(plain));
        String hash1 = Hl7Fingerprint.of("MSH#^~\\&#A#B#C#D#2026#\r".getBytes(StandardCharsets.US_ASCII));
        String hash2 = Hl7Fingerprint.of("MSH#^~\\&#A#B#C#D#2027#\r".getBytes(StandardCharsets.US_ASCII));
        assertThat(hash1).isEqualTo(hash2);
        assertThat(Hl7Fingerprint.of("MSH#^~\\&#A#B#C#D#2026\r".getBytes(StandardCharsets.US_ASCII)))
                .as("MSH-7 last in MSH").isEqualTo(Hl7Fingerprint.of("MSH#^~\\&#A#B#C#D#2099\r".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void somethingThatIsNotHl7IsHashedWhole() {
        assertThat(Hl7Fingerprint.of("{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(Hl7Fingerprint.of("{\"resourceType\":\"Bundle\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
