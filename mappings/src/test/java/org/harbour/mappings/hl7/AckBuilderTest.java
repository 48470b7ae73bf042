package org.harbour.mappings.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class AckBuilderTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T01:30:00Z"), ZoneId.of("Asia/Hong_Kong"));
    private final AckBuilder acks = new AckBuilder("HARBOUR", clock);
    private final Hl7EnvelopeReader reader = new Hl7EnvelopeReader();

    private Hl7Envelope envelope(String msh) {
        return ((EnvelopeResult.Accepted) reader.read(msh.getBytes(StandardCharsets.UTF_8))).envelope();
    }

    @Test
    void acceptAddressesTheAckBackToTheSender() {
        Hl7Envelope env = envelope("MSH|^~\\&|MEDILINK|KWC|HUBAPP|HUB|20261122||ORU^R01^ORU_R01|KWC0001|P|2.5.1\r");
        String ack = new String(acks.accept(env), StandardCharsets.UTF_8);
        String[] segments = ack.split("\r");
        assertThat(segments[0]).startsWith("MSH|^~\\&|HUBAPP|HUB|MEDILINK|KWC|20261122093000.000+0800||ACK^R01^ACK|HBR");
        assertThat(segments[0]).endsWith("|P|2.5.1");
        assertThat(segments[1]).isEqualTo("MSA|AA|KWC0001");
        assertThat(segments).hasSize(2);
    }

    @Test
    void enhancedModeAnswersTheAcceptAndApplicationAcknowledgementsTheSenderAskedFor() {
        Hl7Envelope both = envelope("MSH|^~\\&|LIS|QEH|||20261122||ORU^R01|E1|P|2.5.1|||AL|AL\r");
        java.util.List<byte[]> answers = acks.enhanced(both, null);
        assertThat(answers).hasSize(2);
        String commit = new String(answers.get(0), StandardCharsets.UTF_8);
        String application = new String(answers.get(1), StandardCharsets.UTF_8);
        assertThat(commit.split("\r")[1]).isEqualTo("MSA|CA|E1");
        assertThat(application.split("\r")[1]).isEqualTo("MSA|AA|E1");
        // the application acknowledgement wants no acknowledgement back
        assertThat(application.split("\r")[0]).endsWith("|P|2.5.1|||NE|NE");
        assertThat(commit.split("\r")[0]).endsWith("|P|2.5.1");
    }

    @Test
    void enhancedModeAnswersOnlyTheConditionsTheSenderNamed() {
        Hl7Problem bad = Hl7Problem.error(101, "PID-3 missing");
        Hl7Problem busy = Hl7Problem.reject(207, "not now");
        // NE/NE: nothing at all
        assertThat(acks.enhanced(envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N1|P|2.5|||NE|NE\r"), null)).isEmpty();
        // ER: only when something went wrong
        Hl7Envelope errorsOnly = envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N2|P|2.5|||ER|ER\r");
        assertThat(acks.enhanced(errorsOnly, null)).isEmpty();
        java.util.List<byte[]> onError = acks.enhanced(errorsOnly, bad);
        assertThat(onError).hasSize(2);
        assertThat(new String(onError.get(0), StandardCharsets.UTF_8).split("\r")[1]).startsWith("MSA|CE|N2|");
        assertThat(new String(onError.get(1), StandardCharsets.UTF_8).split("\r")[1]).startsWith("MSA|AE|N2|");
        // SU: only on success; a rejection that may be resent is CR
        Hl7Envelope successOnly = envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N3|P|2.5|||SU|SU\r");
        assertThat(acks.enhanced(successOnly, busy)).isEmpty();
        assertThat(acks.enhanced(successOnly, null)).hasSize(2);
        java.util.List<byte[]> commitOnly = acks.enhanced(envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N4|P|2.5|||AL|NE\r"), busy);
        assertThat(commitOnly).hasSize(1);
        assertThat(new String(commitOnly.get(0), StandardCharsets.UTF_8).split("\r")[1]).startsWith("MSA|CR|N4|");
        // an empty MSH-16 beside MSH-15 means always
        assertThat(acks.enhanced(envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N5|P|2.5|||NE\r"), null)).hasSize(1);
        // neither field: original mode, not enhanced
        assertThat(envelope("MSH|^~\\&|A|B|||2026||ADT^A01|N6|P|2.5\r").enhancedMode()).isFalse();
    }

    @Test
    void rejectionCarriesAnErrSegmentForTwoFiveAndLater() {
        Hl7Envelope env = envelope("MSH|^~\\&|MEDILINK|KWC|||2026||ADT^A01|X1|P|2.6\r");
        String ack = new String(acks.problem(env, Hl7Problem.error(101, "MSH-10 | missing")), StandardCharsets.UTF_8);
        String[] segments = ack.split("\r");
        assertThat(segments[0]).startsWith("MSH|^~\\&|HARBOUR||MEDILINK|KWC|");
        assertThat(segments[1]).isEqualTo("MSA|AE|X1|MSH-10 \\F\\ missing");
        assertThat(segments[2]).isEqualTo("ERR|||101^Required field missing^HL70357|E||||MSH-10 \\F\\ missing");
    }

    @Test
    void rejectionUsesTheOldErrLayoutBeforeTwoFive() {
        Hl7Envelope env = envelope("MSH|^~\\&|A|B|||2026||ADT^A01|X2|P|2.3\r");
        String ack = new String(acks.problem(env, Hl7Problem.reject(203, "bad")), StandardCharsets.UTF_8);
        assertThat(ack.split("\r")[2]).isEqualTo("ERR|^^^203&Unsupported version id&HL70357");
        assertThat(ack.split("\r")[0]).contains("|ACK^A01|");
    }

    @Test
    void unreadableMessageStillGetsAWellFormedRejection() {
        String ack = new String(acks.problem(null, Hl7Problem.reject(100, "empty message")), StandardCharsets.UTF_8);
        assertThat(ack).startsWith("MSH|^~\\&|HARBOUR||||20261122093000.000+0800||ACK|");
        assertThat(ack.split("\r")[1]).isEqualTo("MSA|AR||empty message");
    }

    @Test
    void ackIsEncodedInTheMessageCharacterSet() {
        Hl7Envelope env = envelope("MSH|^~\\&|A|B|||2026||ADT^A01|X3|P|2.5|||||HKG|BIG-5\r");
        byte[] ack = acks.accept(env);
        assertThat(new String(ack, Charset.forName("Big5-HKSCS"))).contains("|BIG-5\r");
    }

    @Test
    void controlIdsAreUnique() {
        Hl7Envelope env = envelope("MSH|^~\\&|A|B|||2026||ADT^A01|X4|P|2.5\r");
        String first = new String(acks.accept(env), StandardCharsets.UTF_8).split("\\|")[9];
        String second = new String(acks.accept(env), StandardCharsets.UTF_8).split("\\|")[9];
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void theAckEchoesTheSendersOwnBytesForControlIdAndApplications() {
        for (String charsetName : new String[] {"UTF-8", "Big5", "GB18030"}) {
            Charset charset = Charset.forName(charsetName);
            String msh18 = charsetName.equals("UTF-8") ? "UNICODE UTF-8" : charsetName.equals("Big5") ? "BIG-5" : "GB18030";
            String msh = "MSH|^~\\&|化驗系統|廣華醫院|HARBOUR|HUB|20261203||ORU^R01|化驗-0001|P|2.5.1|||AL|NE|HKG|" + msh18 + "\r";
            byte[] sent = msh.getBytes(charset);
            EnvelopeResult read = reader.read(sent);
            assertThat(read).as(charsetName + ": " + read).isInstanceOf(EnvelopeResult.Accepted.class);
            Hl7Envelope env = ((EnvelopeResult.Accepted) read).envelope();

            byte[] ack = acks.accept(env);

            String decoded = new String(ack, charset);
            assertThat(decoded.split("\r")[1]).as(charsetName).isEqualTo("MSA|AA|化驗-0001");
            assertThat(decoded.split("\r")[0]).as(charsetName).startsWith("MSH|^~\\&|HARBOUR|HUB|化驗系統|廣華醫院|");
            // byte for byte: MSA-2 is exactly the bytes of the sender's MSH-10
            byte[] controlId = "化驗-0001".getBytes(charset);
            assertThat(indexOf(ack, controlId)).as(charsetName).isPositive();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
