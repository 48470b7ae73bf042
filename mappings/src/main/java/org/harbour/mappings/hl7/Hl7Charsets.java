package org.harbour.mappings.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HL7 table 0211 (MSH-18, alternate character sets) mapped to Java charsets.
 *
 * <p>Big5 is decoded as Big5-HKSCS, its Hong Kong superset: every Big5 byte sequence decodes
 * the same, and the HKSCS characters used in Hong Kong names decode instead of failing.
 */
public final class Hl7Charsets {

    /** The charset assumed when MSH-18 is empty. */
    public static final Charset DEFAULT = StandardCharsets.UTF_8;

    private static final Map<String, String> TABLE_0211 = Map.ofEntries(
            Map.entry("ASCII", "US-ASCII"),
            Map.entry("8859/1", "ISO-8859-1"),
            Map.entry("8859/2", "ISO-8859-2"),
            Map.entry("8859/3", "ISO-8859-3"),
            Map.entry("8859/4", "ISO-8859-4"),
            Map.entry("8859/5", "ISO-8859-5"),
            Map.entry("8859/6", "ISO-8859-6"),
            Map.entry("8859/7", "ISO-8859-7"),
            Map.entry("8859/8", "ISO-8859-8"),
            Map.entry("8859/9", "ISO-8859-9"),
            Map.entry("8859/15", "ISO-8859-15"),
            Map.entry("UNICODE UTF-8", "UTF-8"),
            Map.entry("UTF-8", "UTF-8"),
            Map.entry("UNICODE", "UTF-8"),
            Map.entry("BIG-5", "Big5-HKSCS"),
            Map.entry("BIG5", "Big5-HKSCS"),
            Map.entry("GB 18030-2000", "GB18030"),
            Map.entry("GB18030", "GB18030"),
            Map.entry("ISO IR87", "ISO-2022-JP"),
            Map.entry("KS X 1001", "EUC-KR"));

    private Hl7Charsets() {
    }

    /**
     * The Java charset for an MSH-18 value; {@link #DEFAULT} when blank, empty when the value
     * names a character set Harbour cannot decode. Only the first repetition counts (the
     * others name code extensions, not the message's base encoding).
     */
    public static Optional<Charset> forMsh18(String msh18) {
        if (msh18 == null || msh18.isBlank()) {
            return Optional.of(DEFAULT);
        }
        String name = TABLE_0211.get(msh18.trim().toUpperCase(Locale.ROOT));
        if (name == null || !Charset.isSupported(name)) {
            return Optional.empty();
        }
        return Optional.of(Charset.forName(name));
    }
}
