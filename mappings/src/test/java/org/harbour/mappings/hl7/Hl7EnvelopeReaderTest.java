package org.harbour.mappings.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Hl7EnvelopeReaderTest {

    private final Hl7EnvelopeReader reader = new Hl7EnvelopeReader();

    private static final String ORU = "MSH|^~\\&|MEDILINK|KWC-CLINIC^2.16.344.1^ISO|HARBOUR|HUB|20261122093000+0800||ORU^R01^ORU_R01|KWC0001|P|2.5.1|||AL|NE||%s\r"
            + "PID|1||P1234^^^KWC^MR~A1234563^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r"
            + "OBX|1|NM|4548-4^HbA1c^LN||8.1|%%|4.0-6.0|H|||F\r";

    private static Hl7Envelope accepted(EnvelopeResult result) {
        assertThat(result).isInstanceOf(EnvelopeResult.Accepted.class);
        return ((EnvelopeResult.Accepted) result).envelope();
    }

    private static Hl7Problem rejected(EnvelopeResult result) {
        assertThat(result).isInstanceOf(EnvelopeResult.Rejected.class);
        return ((EnvelopeResult.Rejected) result).problem();
    }

    @Test
    void readsTheRoutingFactsOfAUtf8Message() {
        Hl7Envelope env = accepted(reader.read(ORU.formatted("UNICODE UTF-8").getBytes(StandardCharsets.UTF_8)));
        assertThat(env.sendingApplication()).isEqualTo("MEDILINK");
        assertThat(env.sendingFacility()).isEqualTo("KWC-CLINIC^2.16.344.1^ISO");
        assertThat(env.sender()).isEqualTo("KWC-CLINIC^2.16.344.1^ISO");
        assertThat(env.messageType()).isEqualTo("ORU^R01");
        assertThat(env.triggerEvent()).isEqualTo("R01");
        assertThat(env.controlId()).isEqualTo("KWC0001");
        assertThat(env.version()).isEqualTo("2.5.1");
        assertThat(env.charset()).isEqualTo(StandardCharsets.UTF_8);
    }

    @Test
    void big5MessageIsDecodedWithTheHongKongSuperset() {
        byte[] big5 = ORU.formatted("BIG-5").getBytes(Charset.forName("Big5"));
        Hl7Envelope env = accepted(reader.read(big5));
        assertThat(env.charset().name()).isEqualTo("Big5-HKSCS");
        assertThat(env.characterSet()).isEqualTo("BIG-5");
    }

    @Test
    void aBig5CharacterWhoseSecondByteIsADelimiterDoesNotSplitAField() {
        // 院 is B0 7C in Big5: its second byte is '|'; 大 is A4 6A, 系 A8 74
        String msh = "MSH|^~\\&|化驗系統|廣華醫院^院^L|HARBOUR|HUB|20261203||ORU^R01|院-0001|P^院|2.5.1|||AL|NE|HKG|BIG-5\r";
        byte[] big5 = msh.getBytes(Charset.forName("Big5"));
        Hl7Envelope env = accepted(reader.read(big5));
        // fields are the sender's bytes, one char each: decoded back they are the sender's text
        java.util.function.Function<String, String> text = field -> new String(
                field.getBytes(StandardCharsets.ISO_8859_1), Charset.forName("Big5"));
        assertThat(text.apply(env.sendingFacility())).isEqualTo("廣華醫院^院^L");
        assertThat(text.apply(env.sendingApplication())).isEqualTo("化驗系統");
        assertThat(text.apply(env.controlId())).isEqualTo("院-0001");
        assertThat(env.processingId()).isEqualTo("P");
        assertThat(env.messageType()).isEqualTo("ORU^R01");
        assertThat(env.version()).isEqualTo("2.5.1");
        assertThat(env.charset().name()).isEqualTo("Big5-HKSCS");
    }

    @Test
    void big5BytesUndeclaredAreAnErrorNotAGuess() {
        byte[] big5 = ORU.formatted("").getBytes(Charset.forName("Big5"));
        Hl7Problem problem = rejected(reader.read(big5));
        assertThat(problem.ackCode()).isEqualTo(AckCode.AE);
        assertThat(problem.reason()).contains("not valid UTF-8");
    }

    @Test
    void byteOrderMarkAndNewlineTerminatorsAreTolerated() {
        byte[] body = ORU.formatted("").replace('\r', '\n').getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(accepted(reader.read(withBom)).controlId()).isEqualTo("KWC0001");
    }

    @Test
    void emptyMessageIsRejected() {
        Hl7Problem problem = rejected(reader.read(new byte[0]));
        assertThat(problem.ackCode()).isEqualTo(AckCode.AR);
        assertThat(problem.reason()).isEqualTo("empty message");
    }

    @Test
    void messageWithoutMshIsRejected() {
        Hl7Problem problem = rejected(reader.read("PID|1||X\r".getBytes(StandardCharsets.US_ASCII)));
        assertThat(problem.ackCode()).isEqualTo(AckCode.AR);
        assertThat(problem.errorCode()).isEqualTo(Hl7Problem.SEGMENT_SEQUENCE_ERROR);
    }

    @Test
    void unsupportedVersionIsRejectedWithCode203() {
        String v3 = ORU.formatted("").replace("|2.5.1|", "|3.0|");
        EnvelopeResult result = reader.read(v3.getBytes(StandardCharsets.UTF_8));
        Hl7Problem problem = rejected(result);
        assertThat(problem.ackCode()).isEqualTo(AckCode.AR);
        assertThat(problem.errorCode()).isEqualTo(Hl7Problem.UNSUPPORTED_VERSION);
        assertThat(((EnvelopeResult.Rejected) result).envelope().controlId()).isEqualTo("KWC0001");
    }

    @Test
    void badEncodingCharactersAreRejected() {
        Hl7Problem problem = rejected(reader.read("MSH|^^\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\r".getBytes(StandardCharsets.US_ASCII)));
        assertThat(problem.reason()).contains("MSH-2");
    }

    @Test
    void missingControlIdIsAnError() {
        Hl7Problem problem = rejected(reader.read("MSH|^~\\&|A|B|C|D|2026||ADT^A01||P|2.5\r".getBytes(StandardCharsets.US_ASCII)));
        assertThat(problem.ackCode()).isEqualTo(AckCode.AE);
        assertThat(problem.errorCode()).isEqualTo(Hl7Problem.REQUIRED_FIELD_MISSING);
        assertThat(problem.reason()).contains("MSH-10");
    }

    @Test
    void unknownCharacterSetIsRejected() {
        Hl7Problem problem = rejected(reader.read(ORU.formatted("EBCDIC").getBytes(StandardCharsets.UTF_8)));
        assertThat(problem.reason()).contains("MSH-18");
    }

    @Test
    void senderFallsBackToSendingApplication() {
        Hl7Envelope env = accepted(reader.read("MSH|^~\\&|LAB|||HUB|2026||ORU^R01|9|P|2.3\r".getBytes(StandardCharsets.US_ASCII)));
        assertThat(env.sender()).isEqualTo("LAB");
        assertThat(env.controlId()).isEqualTo("9");
    }

    @Test
    void overlongControlIdIsAnError() {
        String msh = "MSH|^~\\&|A|B|||2026||ADT^A01|" + "9".repeat(200) + "|P|2.5\r";
        Hl7Problem problem = rejected(reader.read(msh.getBytes(StandardCharsets.US_ASCII)));
        assertThat(problem.ackCode()).isEqualTo(AckCode.AE);
        assertThat(problem.reason()).contains("MSH-10");
    }

    /** The UTF-8 check agrees with the JDK's strict decoder, on crafted edge cases and random bytes. */
    @Test
    void utf8CheckAgreesWithTheStrictDecoder() {
        List<byte[]> cases = new ArrayList<>();
        cases.add("陳大文 𠀋 é".getBytes(StandardCharsets.UTF_8));
        int[][] crafted = {{0xC0, 0x80}, {0xC1, 0xBF}, {0xE0, 0x80, 0x80}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80},
            {0xED, 0x9F, 0xBF}, {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF},
            {0xF5, 0x80, 0x80, 0x80}, {0xE9, 0x99}, {0x80}, {0xFF}, {0x41, 0xE9, 0x99, 0xB3, 0x42}, {0xE9, 0x41, 0xB3}};
        for (int[] bytes : crafted) {
            byte[] b = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                b[i] = (byte) bytes[i];
            }
            cases.add(b);
        }
        Random random = new Random(20261202);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[1 + random.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                // mostly lead and continuation bytes, where the edge cases are
                b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            cases.add(b);
        }
        for (int n = 0; n < 5_000; n++) {
            // ASCII runs of any length around the same edge cases (the reader skips ASCII eight bytes at a time)
            byte[] tail = cases.get(random.nextInt(cases.size()));
            byte[] b = new byte[random.nextInt(30) + tail.length + random.nextInt(20)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (0x20 + random.nextInt(0x5F));
            }
            System.arraycopy(tail, 0, b, random.nextInt(b.length - tail.length + 1), tail.length);
            cases.add(b);
        }
        for (byte[] b : cases) {
            assertThat(Hl7EnvelopeReader.firstMalformedUtf8(b, 0)).as(HexFormat.of().formatHex(b))
                    .isEqualTo(strictDecoderVerdict(b));
        }
    }

    private static int strictDecoderVerdict(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length * 2);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        return result.isError() || result.isUnderflow() && in.hasRemaining() ? in.position() : -1;
    }
}
