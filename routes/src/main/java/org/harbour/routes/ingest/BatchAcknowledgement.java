package org.harbour.routes.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.harbour.mappings.hl7.Hl7Batch;

/**
 * An HL7 batch (FHS/BHS … BTS/FTS) sent in one MLLP frame: split into its messages, each taken as
 * if sent alone, and answered as HL7 answers a batch: a batch of acknowledgements (BHS, one ACK
 * per message in order, BTS with their count; inside FHS/FTS when the batch came in a file
 * header), in one frame. A message refused inside the batch is refused alone (its ACK says AR or
 * AE, and it is kept); the others are taken.
 */
public final class BatchAcknowledgement {

    /** Exchange property: the batch's header fields, for the answer's BHS (sender, control id). */
    static final String HEADER = "HarbourBatchHeader";
    static final String FILE_HEADER = "HarbourBatchFileHeader";

    private BatchAcknowledgement() {
    }

    /** Whether the payload is a batch: its first segment FHS or BHS. */
    public static boolean isBatch(byte[] payload) {
        if (payload == null) {
            return false;
        }
        int i = 0;
        if (payload.length >= 3 && (payload[0] & 0xFF) == 0xEF && (payload[1] & 0xFF) == 0xBB && (payload[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < payload.length && (payload[i] == '\r' || payload[i] == '\n' || payload[i] == ' ')) {
            i++;
        }
        return payload.length - i >= 3 && (payload[i + 1] == 'H' && payload[i + 2] == 'S')
                && (payload[i] == 'F' || payload[i] == 'B');
    }

    public static void remember(Exchange exchange) {
        List<String> envelope = Hl7Batch.envelope(exchange.getIn().getBody(byte[].class));
        for (String segment : envelope) {
            if (segment.startsWith("BHS")) {
                exchange.setProperty(HEADER, segment);
            } else if (segment.startsWith("FHS")) {
                exchange.setProperty(FILE_HEADER, segment);
            }
        }
    }

    /** The messages of the batch, in order. */
    public static List<byte[]> messages(Exchange exchange) {
        return Hl7Batch.split(exchange.getIn().getBody(byte[].class));
    }

    /** Collects each message's ACK, in order, on the batch's exchange. */
    static final AggregationStrategy COLLECT = (previous, next) -> {
        Exchange into = previous == null ? next : previous;
        @SuppressWarnings("unchecked")
        List<byte[]> acks = previous == null ? new ArrayList<>() : into.getIn().getBody(List.class);
        acks.add(next.getMessage().getBody(byte[].class));
        into.getIn().setBody(acks);
        return into;
    };

    /** The answer: BHS, the ACKs, BTS (and FHS/FTS around them when the batch had a file header). */
    public static void answer(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<byte[]> acks = exchange.getMessage().getBody(List.class);
        if (acks == null) {
            acks = List.of();
        }
        String now = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ").format(java.time.ZonedDateTime.now(ZoneId.of("UTC")));
        String header = exchange.getProperty(HEADER, String.class);
        String fileHeader = exchange.getProperty(FILE_HEADER, String.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (fileHeader != null) {
            out.writeBytes(("FHS|^~\\&|HARBOUR|HUB|" + reversed(fileHeader) + "|" + now + "||||"
                    + field(fileHeader, 11) + "\r").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("BHS|^~\\&|HARBOUR|HUB|" + reversed(header) + "|" + now + "||||"
                + field(header, 11) + "\r").getBytes(StandardCharsets.UTF_8));
        for (byte[] ack : acks) {
            out.writeBytes(ack);
            if (ack.length > 0 && ack[ack.length - 1] != '\r') {
                out.write('\r');
            }
        }
        out.writeBytes(("BTS|" + acks.size() + "\r").getBytes(StandardCharsets.UTF_8));
        if (fileHeader != null) {
            out.writeBytes("FTS|1\r".getBytes(StandardCharsets.UTF_8));
        }
        exchange.getMessage().setBody(out.toByteArray());
    }

    /** The batch's sender as the answer's receiver: BHS-3 and BHS-4 of the header (application, facility). */
    private static String reversed(String header) {
        return field(header, 3) + "|" + field(header, 4);
    }

    /** A field of a batch header segment (BHS-1 is the separator itself, as for MSH). */
    private static String field(String segment, int n) {
        if (segment == null || segment.length() < 4) {
            return "";
        }
        String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(segment.charAt(3))), -1);
        return n - 1 < fields.length ? fields[n - 1] : "";
    }
}
