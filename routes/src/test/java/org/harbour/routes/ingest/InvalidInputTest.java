package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.store.MessageQuery;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.StoredMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is answered AR or AE with an ERR segment that says why, and kept with its bytes. */
class InvalidInputTest extends HubTestSupport {

    static Stream<Arguments> badMessages() {
        String good = Hl7Samples.oru("BAD-CLINIC", "X1", "");
        return Stream.of(
                Arguments.of("empty", new byte[0], "AR", "empty message"),
                Arguments.of("no MSH", "PID|1||123^^^KWC^MR||陳^大文\r".getBytes(StandardCharsets.UTF_8), "AR",
                        "does not start with an MSH segment"),
                Arguments.of("unsupported version", good.replace("|2.5.1|", "|3.1|").getBytes(StandardCharsets.UTF_8),
                        "AR", "MSH-12 version is not one this hub reads"),
                Arguments.of("bad encoding characters", good.replace("MSH|^~\\&|", "MSH|^^^^|")
                        .getBytes(StandardCharsets.UTF_8), "AR", "MSH-2 encoding characters are invalid"),
                Arguments.of("Big5 bytes declared as nothing (UTF-8)", good.getBytes(Hl7Samples.BIG5), "AE",
                        "are not valid UTF-8"),
                Arguments.of("no control id", good.replace("|X1|P|", "||P|").getBytes(StandardCharsets.UTF_8), "AE",
                        "MSH-10 message control id is missing"),
                Arguments.of("unknown character set", Hl7Samples.oru("BAD-CLINIC", "X2", "KLINGON")
                        .getBytes(StandardCharsets.UTF_8), "AR", "MSH-18 character set is not supported"),
                // fuzzed envelopes whose fields are longer than the message store's columns: kept all the same
                Arguments.of("control id of 5,000 characters", good.replace("|X1|P|", "|" + "7".repeat(5_000) + "|P|")
                        .getBytes(StandardCharsets.UTF_8), "AE", "MSH-10 message control id is longer than 199"),
                Arguments.of("version of 40 characters", good.replace("|2.5.1|", "|3.0.0" + ".0".repeat(20) + "|")
                        .getBytes(StandardCharsets.UTF_8), "AR", "MSH-12 version is not one this hub reads"),
                Arguments.of("message type of 300 characters", good.replace("ORU^R01^ORU_R01", "Z".repeat(300) + "^R01")
                        .getBytes(StandardCharsets.UTF_8), "AE", "MSH-9 message type is longer than 64"),
                Arguments.of("sending facility of 2,000 characters", good.replace("|BAD-CLINIC|", "|" + "醫".repeat(2_000)
                        + "|").getBytes(StandardCharsets.UTF_8), "AE", "MSH-3 or MSH-4 is longer than 500"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void badInputIsAnsweredWithAReasonAndKept(String what, byte[] message, String expectedCode, String reason)
            throws IOException {
        Instant before = Instant.now().minusSeconds(1);
        Acks ack;
        try (MllpClient client = connect()) {
            ack = Acks.parse(client.send(message), StandardCharsets.ISO_8859_1);
            // the connection stays usable after a rejection
            String sender = uniqueSender("AFTER");
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "OK1", "")))).code())
                    .isEqualTo("AA");
        }
        assertThat(ack.code()).isEqualTo(expectedCode);
        assertThat(ack.err()).hasValueSatisfying(err -> assertThat(err).contains(reason)
                .as("a permanent answer: not 207, send it again later").doesNotContain("207"));

        String sha = sha256(message);
        StoredMessage kept = await().atMost(Duration.ofSeconds(10)).until(() -> rejectedSince(before).stream()
                .filter(m -> m.sha256().equals(sha)).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(kept.status()).isEqualTo(MessageStatus.REJECTED);
        assertThat(kept.reason()).contains(reason);
        assertThat(kept.remoteAddress()).contains("127.0.0.1");
        assertThat(kept.receivedAt()).isAfter(before);
        var raw = getWithToken("/api/messages/" + kept.id() + "/raw");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(message);
    }

    @org.junit.jupiter.api.Test
    void anAcceptedMessageWhoseMetadataIsLongerThanItsColumnsIsStoredNotLooped() throws IOException {
        // a version the envelope check accepts (2.5.1.1.1…) but longer than the column for it
        String sender = uniqueSender("LONGVER");
        byte[] message = Hl7Samples.utf8(Hl7Samples.oru(sender, "LV1", "").replace("|2.5.1|", "|2.5.1" + ".1".repeat(20) + "|"));
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(message)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        StoredMessage stored = storedFrom(sender).get(0);
        assertThat(stored.hl7Version()).hasSize(16).startsWith("2.5.1.1");
        assertThat(getWithToken("/api/messages/" + stored.id() + "/raw").body()).isEqualTo(message);
    }

    private List<StoredMessage> rejectedSince(Instant since) {
        return store.find(new MessageQuery(null, null, null, MessageStatus.REJECTED, since, 0, MessageQuery.MAX_SIZE));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
