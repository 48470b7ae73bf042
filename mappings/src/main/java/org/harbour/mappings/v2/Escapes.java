package org.harbour.mappings.v2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Decodes HL7 v2 escape sequences in text: {@code \F\ \S\ \T\ \R\ \E\} (the delimiters),
 * {@code \Xhh..\} (hexadecimal bytes, read as UTF-8 when valid, else ISO 8859-1), and the
 * formatting commands {@code \.br\} (line break), {@code \.sp\}, {@code \H\ \N\} (highlighting,
 * dropped). An unknown or unterminated sequence is kept as it was.
 */
public final class Escapes {

    private Escapes() {
    }

    /** {@code text} with its escape sequences decoded, read with the message's delimiters. */
    public static String decode(String text, Delimiters d) {
        char esc = d.escape();
        int first = text.indexOf(esc);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, first);
        int i = first;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = c == esc ? text.indexOf(esc, i + 1) : -1;
            if (end < 0) {
                out.append(c);
                i++;
                continue;
            }
            String sequence = text.substring(i + 1, end);
            String decoded = sequence(sequence, d);
            if (decoded == null) {
                out.append(text, i, end + 1);
            } else {
                out.append(decoded);
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static String sequence(String s, Delimiters d) {
        if (s.isEmpty()) {
            // two escape characters in a row (a Windows path, C:\\temp): no sequence, kept as sent
            return null;
        }
        if (s.length() == 1) {
            return switch (s.charAt(0)) {
                case 'F' -> String.valueOf(d.field());
                case 'S' -> String.valueOf(d.component());
                case 'T' -> String.valueOf(d.subcomponent());
                case 'R' -> String.valueOf(d.repetition());
                case 'E' -> String.valueOf(d.escape());
                case 'P' -> String.valueOf(d.truncation());
                case 'H', 'N' -> "";
                default -> null;
            };
        }
        if (s.equals(".br")) {
            return "\n";
        }
        if (s.startsWith(".sp")) {
            return "\n";
        }
        if (s.startsWith(".in") || s.startsWith(".ti") || s.equals(".fi") || s.equals(".nf") || s.startsWith(".sk")
                || s.equals(".ce")) {
            return "";
        }
        if ((s.charAt(0) == 'X' || s.charAt(0) == 'x') && s.length() % 2 == 1) {
            return hex(s.substring(1));
        }
        return null;
    }

    private static String hex(String digits) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(digits.length() / 2);
        for (int i = 0; i + 1 < digits.length(); i += 2) {
            int hi = Character.digit(digits.charAt(i), 16);
            int lo = Character.digit(digits.charAt(i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi << 4 | lo);
        }
        byte[] raw = bytes.toByteArray();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
    }
}
