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
