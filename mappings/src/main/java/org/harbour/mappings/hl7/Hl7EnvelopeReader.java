package org.harbour.mappings.hl7;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnmappableCharacterException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and checks the envelope (MSH) of a raw HL7 v2 message without parsing its body.
 *
 * <p>The basic checks are the ones a receiver must make before it takes responsibility for a
 * message: there is a message, it starts with MSH, the delimiters are usable, the version is
 * one Harbour reads, it carries a type and a control id, and its bytes are valid in the
 * character set MSH-18 declares. Anything else is the translator's business, later.
 */
public final class Hl7EnvelopeReader {

    private static final Pattern SUPPORTED_VERSION = Pattern.compile("2\\.[1-8](\\.\\d+)*");
    private static final int UTF8_BOM_LENGTH = 3;
    /** HL7 v2.7 and later: MSH-10 is ST of at most 199. */
    public static final int MAX_CONTROL_ID = 199;
    public static final int MAX_MESSAGE_TYPE = 64;
    /** An HD (namespace^universal id^type) as long as any real one. */
    public static final int MAX_HD = 500;

    /** Reads the envelope of {@code raw}; never throws on bad input. */
    public EnvelopeResult read(byte[] raw) {
        int start = startOfMessage(raw);
        if (start >= raw.length) {
            return rejected(null, Hl7Problem.reject(Hl7Problem.SEGMENT_SEQUENCE_ERROR, "empty message"));
        }
        if (raw.length - start < 8 || raw[start] != 'M' || raw[start + 1] != 'S' || raw[start + 2] != 'H') {
            return rejected(null, Hl7Problem.reject(Hl7Problem.SEGMENT_SEQUENCE_ERROR,
                    "message does not start with an MSH segment"));
        }
        char fieldSeparator = (char) (raw[start + 3] & 0xFF);
        if (!isDelimiter(fieldSeparator)) {
            return rejected(null, Hl7Problem.reject(Hl7Problem.DATA_TYPE_ERROR,
                    "MSH-1 field separator is not a usable delimiter"));
        }
        String msh = new String(raw, start, endOfSegment(raw, start) - start, StandardCharsets.ISO_8859_1);
        String[] fields = split(msh, fieldSeparator, false);
        String encoding = field(fields, 1);
        if (!validEncodingCharacters(encoding, fieldSeparator)) {
            return rejected(null, Hl7Problem.reject(Hl7Problem.DATA_TYPE_ERROR,
                    "MSH-2 encoding characters are invalid"));
        }
        char component = encoding.charAt(0);
        char repetition = encoding.charAt(1);
        // in Big5 and GB 18030 the second byte of a character can be a delimiter's byte ('|' is 0x7C, '^'
        // 0x5E): read as such a message declares it, a lead byte takes the next byte with it
        String[] paired = split(msh, fieldSeparator, true);
        boolean doubleByte = DOUBLE_BYTE.contains(Hl7Charsets.forMsh18(
                firstRepetition(field(paired, 17), repetition, true).trim()).map(Charset::name).orElse(""));
        if (doubleByte) {
            fields = paired;
        }
        String version = firstComponent(field(fields, 11), component, doubleByte);
        String characterSet = firstRepetition(field(fields, 17), repetition, doubleByte).trim();
        Optional<Charset> charset = Hl7Charsets.forMsh18(field(fields, 17), repetition, field(fields, 19));
        String[] type = split(field(fields, 8), component, doubleByte);
        String messageType = type.length > 1 && !type[1].isEmpty() ? type[0] + '^' + type[1] : type[0];
        Hl7Envelope envelope = new Hl7Envelope(fieldSeparator, encoding,
                field(fields, 2), field(fields, 3), field(fields, 4), field(fields, 5),
                messageType, field(fields, 9), firstComponent(field(fields, 10), component, doubleByte), version,
                characterSet, charset.orElse(Hl7Charsets.DEFAULT),
                firstComponent(field(fields, 14), component, doubleByte).trim(),
                firstComponent(field(fields, 15), component, doubleByte).trim());

        if (!SUPPORTED_VERSION.matcher(version).matches()) {
            return rejected(envelope, Hl7Problem.reject(Hl7Problem.UNSUPPORTED_VERSION,
                    "MSH-12 version is not one this hub reads (2.1 to 2.8)"));
        }
        if (charset.isEmpty()) {
            return rejected(envelope, Hl7Problem.reject(Hl7Problem.DATA_TYPE_ERROR,
                    "MSH-18 character set is not supported"));
        }
        if (type[0].isBlank()) {
            return rejected(envelope, Hl7Problem.error(Hl7Problem.REQUIRED_FIELD_MISSING,
                    "MSH-9 message type is missing"));
        }
        if (envelope.controlId().isBlank()) {
            return rejected(envelope, Hl7Problem.error(Hl7Problem.REQUIRED_FIELD_MISSING,
                    "MSH-10 message control id is missing"));
        }
        Optional<String> tooLong = tooLong(envelope);
        if (tooLong.isPresent()) {
            return rejected(envelope, Hl7Problem.error(Hl7Problem.DATA_TYPE_ERROR, tooLong.get()));
        }
        Optional<String> undecodable = undecodable(raw, start, charset.get());
        if (undecodable.isPresent()) {
            return rejected(envelope, Hl7Problem.error(Hl7Problem.DATA_TYPE_ERROR, undecodable.get()));
        }
        return new EnvelopeResult.Accepted(envelope);
    }

    /** Character sets in which every 7-bit byte is the ASCII character (one byte, valid alone). */
    private static final java.util.Set<String> ASCII_SUPERSETS = java.util.Set.of("US-ASCII", "ISO-8859-1", "UTF-8",
            "Big5", "Big5-HKSCS", "GBK", "GB18030", "windows-1252");

    private static boolean ascii(byte[] raw, int start) {
        for (int i = start; i < raw.length; i++) {
            if (raw[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Skips a UTF-8 byte-order mark and blank lines before the first segment. */
    static int startOfMessage(byte[] raw) {
        int i = 0;
        if (raw.length >= UTF8_BOM_LENGTH && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB
                && (raw[2] & 0xFF) == 0xBF) {
            i = UTF8_BOM_LENGTH;
        }
        while (i < raw.length && (raw[i] == '\r' || raw[i] == '\n' || raw[i] == ' ' || raw[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int endOfSegment(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == '\r' || raw[i] == '\n') {
                return i;
            }
        }
        return raw.length;
    }

    private static Optional<String> undecodable(byte[] raw, int start, Charset charset) {
        if (ASCII_SUPERSETS.contains(charset.name()) && ascii(raw, start)) {
            // the common case: plain ASCII is valid in every character set HL7 v2 messages here declare
            return Optional.empty();
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            int bad = firstMalformedUtf8(raw, start);
            return bad < 0 ? Optional.empty() : Optional.of(notValid(bad, charset));
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(raw, start, raw.length - start);
        try {
            decoder.decode(bytes);
            return Optional.empty();
        } catch (MalformedInputException | UnmappableCharacterException e) {
            return Optional.of(notValid(bytes.position(), charset));
        } catch (CharacterCodingException e) {
            return Optional.of("message cannot be decoded as " + charset.name());
        }
    }

    private static String notValid(int offset, Charset charset) {
        return "bytes at offset " + offset + " are not valid " + charset.name()
                + " (MSH-18 declares the character set; UTF-8 when empty)";
    }

    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * The offset of the first byte sequence that is not well-formed UTF-8 (Unicode table 3-7: no
     * overlong forms, no surrogates, nothing above U+10FFFF), or -1. The same verdict as the JDK's
     * strict decoder, without decoding into a character buffer the size of the message.
     */
    static int firstMalformedUtf8(byte[] raw, int start) {
        int i = start;
        while (i < raw.length) {
            // runs of ASCII (most of an HL7 message) eight bytes at a time
            while (i + Long.BYTES <= raw.length && ((long) EIGHT_BYTES.get(raw, i) & HIGH_BITS) == 0) {
                i += Long.BYTES;
            }
            if (i >= raw.length) {
                break;
            }
            int b = raw[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min = 0x80;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                min = b == 0xE0 ? 0xA0 : 0x80;
                max = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                min = b == 0xF0 ? 0x90 : 0x80;
                max = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i;
            }
            if (i + length > raw.length) {
                return i;
            }
            int second = raw[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                int next = raw[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /** Envelope fields longer than HL7 allows (and than the message store keeps). */
    private static Optional<String> tooLong(Hl7Envelope envelope) {
        if (envelope.controlId().length() > MAX_CONTROL_ID) {
            return Optional.of("MSH-10 message control id is longer than " + MAX_CONTROL_ID + " characters");
        }
        if (envelope.messageType().length() > MAX_MESSAGE_TYPE) {
            return Optional.of("MSH-9 message type is longer than " + MAX_MESSAGE_TYPE + " characters");
        }
        if (envelope.sendingApplication().length() > MAX_HD || envelope.sendingFacility().length() > MAX_HD) {
            return Optional.of("MSH-3 or MSH-4 is longer than " + MAX_HD + " characters");
        }
        return Optional.empty();
    }

    private static boolean isDelimiter(char c) {
        return c > ' ' && c < 0x7F && !Character.isLetterOrDigit(c);
    }

    private static boolean validEncodingCharacters(String encoding, char fieldSeparator) {
        if (encoding.length() < 4 || encoding.length() > 5) {
            return false;
        }
        for (int i = 0; i < encoding.length(); i++) {
            char c = encoding.charAt(i);
            if (!isDelimiter(c) || c == fieldSeparator || encoding.indexOf(c) != i) {
                return false;
            }
        }
        return true;
    }

    /** Character sets whose second byte of a character can be any of the delimiters' bytes. */
    private static final java.util.Set<String> DOUBLE_BYTE = java.util.Set.of("Big5", "Big5-HKSCS", "GBK", "GB18030");

    /**
     * Splits text read byte for byte (ISO-8859-1) at {@code separator}; {@code paired}: a lead
     * byte (0x81 to 0xFE) and the byte after it are one character, never split.
     */
    private static String[] split(String value, char separator, boolean paired) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        int start = 0;
        int at;
        while ((at = indexOf(value, separator, start, paired)) >= 0) {
            parts.add(value.substring(start, at));
            start = at + 1;
        }
        parts.add(value.substring(start));
        return parts.toArray(String[]::new);
    }

    private static int indexOf(String value, char wanted, int from, boolean paired) {
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (paired && c >= 0x81 && c <= 0xFE) {
                i++;
            } else if (c == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** MSH field n as an index into the split segment: MSH-2 is index 1, MSH-n is n-1. */
    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }

    private static String firstComponent(String value, char component, boolean paired) {
        int at = indexOf(value, component, 0, paired);
        return at < 0 ? value : value.substring(0, at);
    }

    private static String firstRepetition(String value, char repetition, boolean paired) {
        int at = indexOf(value, repetition, 0, paired);
        return at < 0 ? value : value.substring(0, at);
    }

    private static EnvelopeResult rejected(Hl7Envelope envelope, Hl7Problem problem) {
        return new EnvelopeResult.Rejected(envelope, problem);
    }
}
