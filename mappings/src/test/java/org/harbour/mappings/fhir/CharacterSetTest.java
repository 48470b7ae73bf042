package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The character sets Hong Kong senders use (UTF-8, Big5 and its Hong Kong superset HKSCS, GB 2312
 * and GB 18030), and others' (ISO 2022 code extensions, undeclared Latin-1): a message is decoded
 * whole, before it is split, in the set its MSH-18 and MSH-20 declare; a byte sequence not valid
 * there is reported, never silently replaced.
 */
class CharacterSetTest {

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());

    private static byte[] message(String msh18, String msh20, String family, String given, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("MSH|^~\\&|EMR|KWH|HARBOUR|HUB|20261122090000+0800||ADT^A04^ADT_A01|CS-1|P|2.5.1|||||HKG|" + msh18
                + "||" + msh20 + "\rPID|1||A1234563^^^HKID^NNHKG||").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes((family + "^" + given).getBytes(charset));
        out.writeBytes("||19600101|M\r".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private HumanName name(Conversion c) {
        return HongKongMessagesTest.all(c.bundle(), Patient.class).get(0).getNameFirstRep();
    }

    private static boolean reportedCharset(Conversion c, String words) {
        return c.report().entries().stream().anyMatch(e -> e.location().equals("MSH[0]-18") && e.message().contains(words));
    }

    @Test
    void big5IsReadAsHkscsSoHongKongCharactersBig5LacksSurvive() {
        // 冇 is in Big5; 嘅, 啱 and 𨋢 only in HKSCS
        Conversion c = translator.convert(message("BIG-5", "", "冇嘅", "啱𨋢", Charset.forName("Big5-HKSCS")));
        assertThat(name(c).getFamily()).isEqualTo("冇嘅");
        assertThat(name(c).getGivenAsSingleString()).isEqualTo("啱𨋢");
        assertThat(reportedCharset(c, "not valid")).isFalse();
    }

    @Test
    void gb2312AndGb18030AreReadAsGb18030() {
        Conversion gb2312 = translator.convert(message("GB 2312", "", "陈", "大文", Charset.forName("GB2312")));
        assertThat(name(gb2312).getFamily()).isEqualTo("陈");
        // 𠀀 (U+20000) exists only in GB 18030's four-byte range
        Conversion gb18030 = translator.convert(message("GB 18030-2000", "", "陈𠀀", "大文", Charset.forName("GB18030")));
        assertThat(name(gb18030).getFamily()).isEqualTo("陈𠀀");
    }

    @Test
    void utf8WithCharactersBeyondTheBasicPlane() {
        Conversion c = translator.convert(message("UNICODE UTF-8", "", "陳", "𨋢峯", StandardCharsets.UTF_8));
        assertThat(name(c).getGivenAsSingleString()).isEqualTo("𨋢峯");
    }

    @Test
    void iso2022CodeExtensionsAreDecodedBeforeTheMessageIsSplit() {
        // JIS bytes of 五 hold '^' and of 本 '\': read as UTF-8 they would split the name and start an escape
        Conversion c = translator.convert(message("ASCII~ISO IR87", "ISO 2022-1994", "山本", "五郎",
                Charset.forName("ISO-2022-JP")));
        assertThat(name(c).getFamily()).isEqualTo("山本");
        assertThat(name(c).getGivenAsSingleString()).isEqualTo("五郎");
        assertThat(R4Validation.errors(c.bundle())).isEmpty();
    }

    @Test
    void undeclaredLatin1IsReadAsWindows1252AndSaysSo() {
        Conversion c = translator.convert(message("", "", "MÜLLER", "José", StandardCharsets.ISO_8859_1));
        assertThat(name(c).getFamily()).isEqualTo("MÜLLER");
        assertThat(name(c).getGivenAsSingleString()).isEqualTo("José");
        assertThat(reportedCharset(c, "Windows-1252")).isTrue();
    }

    @Test
    void bytesNotValidInTheDeclaredSetAreReportedNotSilentlyReplaced() {
        Conversion c = translator.convert(message("UNICODE UTF-8", "", "CHAN", "TAI MAN", StandardCharsets.UTF_8.newEncoder()
                .charset()));
        assertThat(reportedCharset(c, "not valid")).isFalse();
        byte[] broken = message("UNICODE UTF-8", "", "CH\u00c0N", "TAI MAN", StandardCharsets.ISO_8859_1);
        Conversion bad = translator.convert(broken);
        assertThat(reportedCharset(bad, "not valid in UTF-8")).isTrue();
        assertThat(name(bad).getFamily()).contains("\uFFFD");
        Conversion unknown = translator.convert(message("EBCDIC", "", "CHAN", "TAI MAN", StandardCharsets.US_ASCII));
        assertThat(reportedCharset(unknown, "not one Harbour decodes")).isTrue();
    }
}
