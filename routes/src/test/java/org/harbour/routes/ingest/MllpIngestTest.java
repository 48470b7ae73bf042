package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.harbour.connectors.mllp.Mllp;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.StoredMessage;
import org.junit.jupiter.api.Test;

/** MLLP ingest end to end over real sockets, against the hub on its embedded broker. */
class MllpIngestTest extends HubTestSupport {

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private byte[] rawOf(StoredMessage message) {
        HttpResponse<byte[]> response = getWithToken("/api/messages/" + message.id() + "/raw");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Map<String, Long> countsByControlId(List<StoredMessage> messages) {
        return messages.stream().collect(Collectors.groupingBy(StoredMessage::controlId, Collectors.counting()));
    }

    @Test
    void pipelinedMessagesInOneWriteAreAllAcknowledgedAndStoredOnce() throws IOException {
        String sender = uniqueSender("PIPE");
        try (MllpClient client = connect()) {
            client.writeRaw(concat(
                    Mllp.frame(Hl7Samples.utf8(Hl7Samples.oru(sender, "P1", "UNICODE UTF-8"))),
                    Mllp.frame(Hl7Samples.utf8(Hl7Samples.oru(sender, "P2", "UNICODE UTF-8"))),
                    Mllp.frame(Hl7Samples.utf8(Hl7Samples.oru(sender, "P3", "UNICODE UTF-8")))));
            for (String id : List.of("P1", "P2", "P3")) {
                Acks ack = Acks.parse(client.readAck());
                assertThat(ack.code()).isEqualTo("AA");
                assertThat(ack.controlId()).isEqualTo(id);
            }
        }
        awaitStored(sender, 3);
        awaitInboundDrained();
        assertThat(countsByControlId(storedFrom(sender))).isEqualTo(Map.of("P1", 1L, "P2", 1L, "P3", 1L));
    }

    @Test
    void aBatchInOneFrameIsSplitTakenMessageByMessageAndAnsweredWithABatchOfAcks() throws IOException {
        String sender = uniqueSender("BATCH");
        String bad = "MSH|^~\\&|LIS|" + sender + "|HARBOUR|HUB|20261203100000+0800||ORU^R01|B-BAD|P|9.9\r"
                + "PID|1||X1^^^" + sender + "^MR\r";
        String batch = "FHS|^~\\&|LIS|" + sender + "|||20261203100000+0800||||F-77\r"
                + "BHS|^~\\&|LIS|" + sender + "|||20261203100000+0800||||B-77\r"
                + Hl7Samples.oru(sender, "B-1", "UNICODE UTF-8") + bad + Hl7Samples.adt(sender, "B-3")
                + "BTS|3\rFTS|1\r";
        String answer;
        try (MllpClient client = connect()) {
            answer = new String(client.send(Hl7Samples.utf8(batch)), StandardCharsets.UTF_8);
        }
        // one frame back: the batch of acknowledgements, one per message in order, counted
        List<String> segments = List.of(answer.split("\r"));
        assertThat(segments.get(0)).startsWith("FHS|^~\\&|HARBOUR|HUB|LIS|" + sender + "|").endsWith("|F-77");
        assertThat(segments.get(1)).startsWith("BHS|^~\\&|HARBOUR|HUB|LIS|" + sender + "|").endsWith("|B-77");
        assertThat(segments.stream().filter(l -> l.startsWith("MSA|")).toList()).hasSize(3)
                .satisfiesExactly(l -> assertThat(l).startsWith("MSA|AA|B-1"), l -> assertThat(l).startsWith("MSA|AR|B-BAD"),
                        l -> assertThat(l).startsWith("MSA|AA|B-3"));
        assertThat(segments.get(segments.size() - 2)).isEqualTo("BTS|3");
        assertThat(segments.get(segments.size() - 1)).isEqualTo("FTS|1");
        awaitStored(sender, 3);
        assertThat(storedFrom(sender, MessageStatus.RECEIVED)).extracting(StoredMessage::controlId)
                .containsExactlyInAnyOrder("B-1", "B-3");
        assertThat(storedFrom(sender, MessageStatus.REJECTED)).extracting(StoredMessage::controlId).containsExactly("B-BAD");
    }

    /** The same lab result asking for the acknowledgements of enhanced mode (MSH-15, MSH-16). */
    private static byte[] enhanced(String sender, String controlId, String accept, String application) {
        return Hl7Samples.utf8(Hl7Samples.oru(sender, controlId, "UNICODE UTF-8")
                .replaceFirst("\\|P\\|2\\.5\\.1\\|\\|\\|\\|\\|", "|P|2.5.1|||" + accept + "|" + application + "|"));
    }

    @Test
    void enhancedModeGetsTheAcceptAndApplicationAcknowledgementsItAskedFor() throws IOException {
        String sender = uniqueSender("ENH");
        try (MllpClient client = connect()) {
            client.writeRaw(Mllp.frame(enhanced(sender, "E1", "AL", "AL")));
            Acks commit = Acks.parse(client.readAck());
            Acks application = Acks.parse(client.readAck());
            assertThat(commit.code()).isEqualTo("CA");
            assertThat(commit.controlId()).isEqualTo("E1");
            assertThat(application.code()).isEqualTo("AA");
            assertThat(application.controlId()).isEqualTo("E1");
            assertThat(application.msh()).contains("|NE|NE");
            // NE/NE: no answer at all; the next message's answer is the next thing on the connection
            client.writeRaw(Mllp.frame(enhanced(sender, "E2", "NE", "NE")));
            client.writeRaw(Mllp.frame(enhanced(sender, "E3", "AL", "NE")));
            Acks next = Acks.parse(client.readAck());
            assertThat(next.code()).isEqualTo("CA");
            assertThat(next.controlId()).isEqualTo("E3");
            // an error, when only errors are to be answered: CE and AE
            byte[] unsupportedVersion = new String(enhanced(sender, "E4", "ER", "ER"), StandardCharsets.UTF_8)
                    .replace("|P|2.5.1|", "|P|2.999|").getBytes(StandardCharsets.UTF_8);
            client.writeRaw(Mllp.frame(unsupportedVersion));
            Acks refused = Acks.parse(client.readAck());
            assertThat(refused.code()).isIn("CE", "CR");
            assertThat(refused.controlId()).isEqualTo("E4");
            Acks refusedApplication = Acks.parse(client.readAck());
            assertThat(refusedApplication.code()).isIn("AE", "AR");
            // original mode is unchanged
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "E5", "UNICODE UTF-8")))).code())
                    .isEqualTo("AA");
        }
        awaitStored(sender, 4);
        awaitInboundDrained();
        assertThat(countsByControlId(storedFrom(sender)).keySet()).contains("E1", "E2", "E3", "E5");
    }

    @Test
    void messageSplitAcrossManyWritesIsAssembledAndAcknowledged() throws IOException {
        String sender = uniqueSender("SPLIT");
        byte[] message = Hl7Samples.utf8(Hl7Samples.oru(sender, "S1", "UNICODE UTF-8"));
        byte[] framed = Mllp.frame(message);
        try (MllpClient client = connect()) {
            for (int i = 0; i < framed.length; i += 7) {
                client.writeRaw(java.util.Arrays.copyOfRange(framed, i, Math.min(framed.length, i + 7)));
            }
            assertThat(Acks.parse(client.readAck()).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        assertThat(rawOf(storedFrom(sender).get(0))).isEqualTo(message);
    }

    @Test
    void newlineAndCrLfSegmentTerminatorsAreAcceptedAndKeptAsSent() throws IOException {
        String sender = uniqueSender("LF");
        byte[] lf = Hl7Samples.utf8(Hl7Samples.oru(sender, "LF1", "UNICODE UTF-8").replace("\r", "\n"));
        byte[] crlf = Hl7Samples.utf8(Hl7Samples.oru(sender, "CRLF1", "UNICODE UTF-8").replace("\r", "\r\n"));
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(lf)).code()).isEqualTo("AA");
            assertThat(Acks.parse(client.send(crlf)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 2);
        Map<String, StoredMessage> byId = storedFrom(sender).stream()
                .collect(Collectors.toMap(StoredMessage::controlId, Function.identity()));
        assertThat(rawOf(byId.get("LF1"))).isEqualTo(lf);
        assertThat(rawOf(byId.get("CRLF1"))).isEqualTo(crlf);
    }

    @Test
    void chineseNamesInBig5AndUtf8AreStoredByteExact() throws IOException {
        String sender = uniqueSender("ZH");
        byte[] big5 = Hl7Samples.oru(sender, "B5", "BIG-5").getBytes(Hl7Samples.BIG5);
        byte[] utf8 = Hl7Samples.utf8(Hl7Samples.oru(sender, "U8", "UNICODE UTF-8"));
        assertThat(new String(big5, Hl7Samples.BIG5)).contains("陳^大文");
        try (MllpClient client = connect()) {
            Acks ack = Acks.parse(client.send(big5), Charset.forName("Big5-HKSCS"));
            assertThat(ack.code()).isEqualTo("AA");
            assertThat(ack.msh()).endsWith("|BIG-5");
            assertThat(Acks.parse(client.send(utf8)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 2);
        Map<String, StoredMessage> byId = storedFrom(sender).stream()
                .collect(Collectors.toMap(StoredMessage::controlId, Function.identity()));
        assertThat(rawOf(byId.get("B5"))).isEqualTo(big5);
        assertThat(byId.get("B5").charset()).isEqualTo("Big5-HKSCS");
        assertThat(new String(rawOf(byId.get("B5")), Charset.forName("Big5-HKSCS"))).contains("陳^大文", "黃^美玲");
        assertThat(rawOf(byId.get("U8"))).isEqualTo(utf8);
        assertThat(byId.get("U8").charset()).isEqualTo("UTF-8");
    }

    @Test
    void leadingByteOrderMarkIsToleratedAndKept() throws IOException {
        String sender = uniqueSender("BOM");
        byte[] withBom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                Hl7Samples.utf8(Hl7Samples.oru(sender, "BOM1", "")));
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(withBom)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        assertThat(rawOf(storedFrom(sender).get(0))).isEqualTo(withBom);
    }

    @Test
    void tenMegabyteMessageIsAcceptedAndStoredIntact() throws Exception {
        String sender = uniqueSender("BIG");
        byte[] big = Hl7Samples.utf8(Hl7Samples.oruOfSize(sender, "BIG1", 10 * 1024 * 1024));
        assertThat(big.length).isGreaterThanOrEqualTo(10 * 1024 * 1024);
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(big)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        StoredMessage stored = storedFrom(sender).get(0);
        assertThat(stored.sizeBytes()).isEqualTo(big.length);
        assertThat(stored.sha256()).isEqualTo(sha256(big));
        assertThat(sha256(rawOf(stored))).isEqualTo(sha256(big));
    }

    @Test
    void sixtyFourConcurrentSendersOfAHundredEachAreAllAcknowledgedAndStoredOnce() throws Exception {
        String sender = uniqueSender("LOAD");
        int connections = 64;
        int perConnection = 100;
        Map<String, String> acks = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int connection = c;
                senders.add(pool.submit(() -> {
                    try (MllpClient client = connect()) {
                        for (int i = 0; i < perConnection; i++) {
                            String id = "C" + connection + "-" + i;
                            Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, id))));
                            acks.put(id, ack.code() + ":" + ack.controlId());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(acks).hasSize(connections * perConnection);
        assertThat(acks).allSatisfy((id, ack) -> assertThat(ack).isEqualTo("AA:" + id));
        awaitStored(sender, connections * perConnection);
        awaitInboundDrained();
        assertThat(countFrom(sender)).isEqualTo(connections * perConnection);
        List<StoredMessage> all = new ArrayList<>();
        for (int page = 0; page * 500 < connections * perConnection; page++) {
            all.addAll(store.find(new org.harbour.routes.store.MessageQuery(null, sender, null, null, null, page, 500)));
        }
        assertThat(countsByControlId(all)).hasSize(connections * perConnection).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

    @Test
    void resendWithinTheWindowIsAcknowledgedAgainButStoredOnce() throws IOException {
        String sender = uniqueSender("DUP");
        byte[] message = Hl7Samples.utf8(Hl7Samples.oru(sender, "D1", "UNICODE UTF-8"));
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(message)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        try (MllpClient again = connect()) {
            Acks ack = Acks.parse(again.send(message));
            assertThat(ack.code()).isEqualTo("AA");
            assertThat(ack.controlId()).isEqualTo("D1");
            assertThat(Acks.parse(again.send(message)).code()).isEqualTo("AA");
        }
        awaitInboundDrained();
        assertThat(countFrom(sender)).isEqualTo(1);
    }

    @Test
    void clientThatLeavesBeforeReadingTheAckLosesNothingAndItsResendIsStoredOnce() throws IOException {
        String sender = uniqueSender("LEAVE");
        byte[] message = Hl7Samples.utf8(Hl7Samples.oru(sender, "L1", "UNICODE UTF-8"));
        try (MllpClient leaver = connect()) {
            leaver.writeRaw(Mllp.frame(message));
        }
        try (MllpClient again = connect()) {
            assertThat(Acks.parse(again.send(message)).code()).isEqualTo("AA");
        }
        awaitStored(sender, 1);
        awaitInboundDrained();
        assertThat(countFrom(sender)).isEqualTo(1);
    }

    @Test
    void garbageBetweenMessagesIsSkippedWithoutDroppingTheConnection() throws IOException {
        String sender = uniqueSender("JUNK");
        try (MllpClient client = connect()) {
            client.writeRaw(concat("noise".getBytes(StandardCharsets.US_ASCII),
                    Mllp.frame(Hl7Samples.utf8(Hl7Samples.oru(sender, "G1", "UNICODE UTF-8"))),
                    "\r\nmore noise".getBytes(StandardCharsets.US_ASCII),
                    Mllp.frame(Hl7Samples.utf8(Hl7Samples.oru(sender, "G2", "UNICODE UTF-8")))));
            assertThat(Acks.parse(client.readAck()).controlId()).isEqualTo("G1");
            assertThat(Acks.parse(client.readAck()).controlId()).isEqualTo("G2");
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "G3", "")))).code())
                    .isEqualTo("AA");
        }
        awaitStored(sender, 3);
    }
}
