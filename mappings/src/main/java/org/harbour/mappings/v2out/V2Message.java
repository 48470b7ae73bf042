package org.harbour.mappings.v2out;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.harbour.mappings.fhir.ConversionReport;

/**
 * An HL7 v2 message made from FHIR: its text (segments ended by CR), its type, its control id,
 * and the report of what had no place in it.
 */
public record V2Message(String text, String messageType, String controlId, ConversionReport report) {

    /** MSH-18 for a charset the hub writes. */
    public static String msh18(Charset charset) {
        return charset.equals(StandardCharsets.UTF_8) ? "UNICODE UTF-8" : isBig5(charset) ? "BIG-5"
                : charset.name();
    }

    static boolean isBig5(Charset charset) {
        return charset.name().toLowerCase(java.util.Locale.ROOT).startsWith("big5");
    }

    /**
     * The message's bytes in the destination's charset. A character the charset cannot hold is
     * never replaced silently: each one is named in the report and written as a {@code ?}.
     */
    public byte[] encode(Charset charset) {
        CharsetEncoder encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer bytes = encoder.encode(CharBuffer.wrap(text));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException unmappable) {
            StringBuilder kept = new StringBuilder(text.length());
            int segment = 1;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                String ch = new String(Character.toChars(cp));
                if (cp == '\r') {
                    segment++;
                }
                if (charset.newEncoder().canEncode(ch)) {
                    kept.append(ch);
                } else {
                    report.error("segment " + segment, String.format("U+%04X cannot be written in %s: sent as '?'", cp,
                            charset.name()));
                    kept.append('?');
                }
                i += Character.charCount(cp);
            }
            return kept.toString().getBytes(charset);
        }
    }
}
