package org.harbour.routes.ingest;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.harbour.routes.Headers;

/**
 * The delivery group of a message on harbour.inbound: messages about one patient from one source
 * share a group, and the broker gives a group's messages to one consumer at a time, in the order
 * they were queued (Artemis message groups, property {@code JMSXGroupID}), so the store stage's
 * concurrent consumers apply them in the order received while unrelated patients go on side by
 * side.
 *
 * <p>The source is the sending application and facility (MSH-3, MSH-4); the patient is the first
 * identifier of PID-3 with its assigning authority. The group is not that text, which would put a
 * patient identifier in the broker's journal, but one of {@code groups} buckets it falls into
 * (by a hash): patients who share a bucket keep their order among each other too, which costs
 * nothing while there are many more buckets than consumers. A message without a PID segment
 * (nothing to keep in order) has no group, and neither has a message written with groups
 * turned off ({@code harbour.ingest.order-groups=0}).
 */
public final class OrderGroups {

    /** The JMS property of a message's group (Artemis stores it as {@code _AMQ_GROUP_ID}). */
    public static final String PROPERTY = "JMSXGroupID";
    /** How far into a message its PID segment is looked for. */
    private static final int SCAN_LIMIT = 64 * 1024;

    private final int groups;

    /** @param groups how many buckets patients fall into; 0 or less: no groups */
    public OrderGroups(int groups) {
        this.groups = groups;
    }

    /** No groups: messages are given to whichever consumer is free. */
    public static OrderGroups none() {
        return new OrderGroups(0);
    }

    /**
     * The group of an HL7 v2 message with this metadata ({@link Headers#SENDING_APPLICATION},
     * {@link Headers#SENDER}, {@link Headers#CHARSET}), or null when it has none.
     */
    public String groupOf(byte[] body, Map<String, ?> metadata) {
        if (groups <= 0 || body == null || body.length < 8 || body[0] != 'M' || body[1] != 'S' || body[2] != 'H') {
            return null;
        }
        String patient = patientOf(body, charset(metadata.get(Headers.CHARSET)));
        if (patient == null) {
            return null;
        }
        String source = metadata.get(Headers.SENDING_APPLICATION) + "|" + metadata.get(Headers.SENDER);
        return "p" + bucket(source + "|" + patient);
    }

    int bucket(String key) {
        // String.hashCode is fixed by the Java specification: the same bucket in every JVM and after a restart
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, groups);
    }

    private static Charset charset(Object name) {
        if (name instanceof String text && !text.isEmpty()) {
            try {
                return Charset.forName(text);
            } catch (IllegalArgumentException e) {
                return StandardCharsets.ISO_8859_1;
            }
        }
        return StandardCharsets.ISO_8859_1;
    }

    /** PID-3's first identifier and its assigning authority (CX.1 ^ CX.4), or null. */
    static String patientOf(byte[] body, Charset charset) {
        String text = new String(body, 0, Math.min(body.length, SCAN_LIMIT), charset);
        char field = text.charAt(3);
        char component = text.charAt(4);
        char repetition = text.length() > 5 ? text.charAt(5) : '~';
        int pid = segmentStart(text, "PID", field);
        if (pid < 0) {
            return null;
        }
        int end = segmentEnd(text, pid);
        int start = pid;
        for (int i = 0; i < 3; i++) {
            start = text.indexOf(field, start);
            if (start < 0 || start >= end) {
                return null;
            }
            start++;
        }
        int stop = start;
        while (stop < end && text.charAt(stop) != field && text.charAt(stop) != repetition) {
            stop++;
        }
        String identifier = text.substring(start, stop);
        String[] components = identifier.split(java.util.regex.Pattern.quote(String.valueOf(component)), -1);
        if (components[0].isBlank()) {
            return null;
        }
        return components[0] + "^" + (components.length > 3 ? components[3] : "");
    }

    private static int segmentStart(String text, String name, char field) {
        int at = 0;
        while (true) {
            int cr = text.indexOf('\r', at);
            int lf = text.indexOf('\n', at);
            int next = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
            if (next < 0) {
                return -1;
            }
            at = next + 1;
            if (text.startsWith(name, at) && text.length() > at + 3 && text.charAt(at + 3) == field) {
                return at;
            }
        }
    }

    private static int segmentEnd(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return text.length();
    }
}
