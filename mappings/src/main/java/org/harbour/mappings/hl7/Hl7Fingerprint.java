package org.harbour.mappings.hl7;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a message says, for telling a resend from another message under the same control id:
 * the SHA-256 of its bytes with MSH-7 (the time of the message, which senders set anew when they
 * resend) left out, and with a leading byte-order mark or blank lines skipped. Two messages with
 * the same fingerprint are the same message sent twice; a different fingerprint under the same
 * sender and control id is a control-id collision, and both are kept.
 */
public final class Hl7Fingerprint {

    /** MSH-7 is the field after the sixth field separator of MSH (MSH-1 is the separator itself). */
    private static final int SEPARATORS_BEFORE_MSH7 = 6;

    private Hl7Fingerprint() {
    }

    /** The fingerprint of a raw HL7 v2 message, 64 hex digits; of the bytes as they are when there is no MSH. */
    public static String of(byte[] raw) {
        int start = Hl7EnvelopeReader.startOfMessage(raw);
        MessageDigest sha = sha256();
        if (raw.length - start < 4 || raw[start] != 'M' || raw[start + 1] != 'S' || raw[start + 2] != 'H') {
            sha.update(raw, start, raw.length - start);
            return HexFormat.of().formatHex(sha.digest());
        }
        byte separator = raw[start + 3];
        int fieldStart = -1;
        int fieldEnd = -1;
        int seen = 0;
        for (int i = start + 3; i < raw.length && raw[i] != '\r' && raw[i] != '\n'; i++) {
            if (raw[i] == separator) {
                seen++;
                if (seen == SEPARATORS_BEFORE_MSH7) {
                    fieldStart = i + 1;
                } else if (seen == SEPARATORS_BEFORE_MSH7 + 1) {
                    fieldEnd = i;
                    break;
                }
            }
        }
        if (fieldStart < 0) {
            sha.update(raw, start, raw.length - start);
        } else {
            if (fieldEnd < 0) {
                fieldEnd = endOfLine(raw, fieldStart);
            }
            sha.update(raw, start, fieldStart - start);
            sha.update(raw, fieldEnd, raw.length - fieldEnd);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static int endOfLine(byte[] raw, int from) {
        int i = from;
        while (i < raw.length && raw[i] != '\r' && raw[i] != '\n') {
            i++;
        }
        return i;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
