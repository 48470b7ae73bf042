package org.harbour.mappings.hl7;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a file of HL7 v2 into messages: one or many messages, with or without batch
 * envelopes (FHS/BHS/BTS/FTS, dropped), segments ended by CR, LF or CRLF (normalised to CR).
 * Works on bytes so that no character set is guessed.
 */
public final class Hl7Batch {

    private Hl7Batch() {
    }

    public static List<byte[]> split(byte[] file) {
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream current = null;
        int start = Hl7EnvelopeReader.startOfMessage(file);
        int i = start;
        while (i < file.length) {
            int end = i;
            while (end < file.length && file[end] != '\r' && file[end] != '\n') {
                end++;
            }
            if (end > i) {
                if (startsWith(file, i, "MSH")) {
                    if (current != null) {
                        messages.add(current.toByteArray());
                    }
                    current = new ByteArrayOutputStream();
                }
                boolean batchEnvelope = startsWith(file, i, "FHS") || startsWith(file, i, "BHS")
                        || startsWith(file, i, "BTS") || startsWith(file, i, "FTS");
                if (current != null && !batchEnvelope) {
                    current.write(file, i, end - i);
                    current.write('\r');
                }
            }
            i = end + 1;
        }
        if (current != null) {
            messages.add(current.toByteArray());
        }
        return messages;
    }

    /**
     * The batch envelope of a file: its FHS, BHS, BTS and FTS segments (file and batch headers and
     * trailers, which belong to no message), in order, each as its bytes read one char a byte
     * (ISO-8859-1). Empty for a file without them. {@link #split} leaves them out of the
     * messages; whoever splits a file reports these, so their fields (the batch's sender, date,
     * name, counts) are not lost silently.
     */
    public static List<String> envelope(byte[] file) {
        List<String> out = new ArrayList<>();
        int i = Hl7EnvelopeReader.startOfMessage(file);
        while (i < file.length) {
            int end = i;
            while (end < file.length && file[end] != '\r' && file[end] != '\n') {
                end++;
            }
            if (end > i && (startsWith(file, i, "FHS") || startsWith(file, i, "BHS") || startsWith(file, i, "BTS")
                    || startsWith(file, i, "FTS"))) {
                out.add(new String(file, i, end - i, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            i = end + 1;
        }
        return out;
    }

    private static boolean startsWith(byte[] bytes, int at, String prefix) {
        if (at + prefix.length() > bytes.length) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (bytes[at + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
