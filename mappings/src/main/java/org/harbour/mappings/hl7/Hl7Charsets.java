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
            Map.entry("BIG5-HKSCS", "Big5-HKSCS"),
            Map.entry("HKSCS", "Big5-HKSCS"),
            Map.entry("GB 18030-2000", "GB18030"),
            Map.entry("GB18030", "GB18030"),
            Map.entry("GB 18030", "GB18030"),
            // GB 2312 is a subset of GB 18030: decoded as the superset, every GB 2312 sequence reads the same
            Map.entry("GB 2312", "GB18030"),
            Map.entry("GB2312", "GB18030"),
            Map.entry("ISO IR6", "US-ASCII"),
            Map.entry("ISO IR100", "ISO-8859-1"),
            Map.entry("ISO IR87", "ISO-2022-JP"),
            Map.entry("ISO IR159", "ISO-2022-JP"),
            Map.entry("UNICODE UTF-16", "UTF-16"),
            Map.entry("UNICODE UTF-32", "UTF-32"),
            Map.entry("KS X 1001", "EUC-KR"));

    /**
     * Character sets that a message declares as code extensions of its base set (a later MSH-18
     * repetition, switched to by ISO 2022 escape sequences — MSH-20): the ISO 2022 charset that
     * decodes the whole message, escapes included.
     */
    private static final Map<String, String> ISO_2022_EXTENSIONS = Map.of(
            "ISO IR87", "ISO-2022-JP",
            "ISO IR159", "ISO-2022-JP",
            "KS X 1001", "ISO-2022-KR",
            "ISO IR149", "ISO-2022-KR");

    private Hl7Charsets() {
    }

    /**
     * The Java charset for an MSH-18 value; {@link #DEFAULT} when blank, empty when the value
     * names a character set Harbour cannot decode. One repetition: for the whole field see
     * {@link #forMsh18(String, char, String)}.
     */
    /**
     * The Java charset for a whole MSH-18 (every repetition) and MSH-20: the first repetition is the
     * base set; when it is ASCII (or absent) and a later repetition names a set reached by ISO 2022
     * escape sequences (JIS X 0208 as {@code ISO IR87}, KS X 1001), or MSH-20 names ISO 2022, the
     * message is decoded with that ISO 2022 charset, so escape bytes never reach the text (nor split
     * fields: JIS bytes include {@code ^ & ~ \}).
     */
    public static Optional<Charset> forMsh18(String msh18, char repetition, String msh20) {
        if (msh18 == null || msh18.isBlank()) {
            return Optional.of(DEFAULT);
        }
        String[] sets = msh18.split(java.util.regex.Pattern.quote(String.valueOf(repetition)), -1);
        String base = sets[0].trim().toUpperCase(Locale.ROOT);
        boolean asciiBase = base.isEmpty() || base.equals("ASCII") || base.equals("ISO IR6");
        boolean iso2022 = msh20 != null && msh20.toUpperCase(Locale.ROOT).contains("2022");
        for (int i = 1; i < sets.length; i++) {
            String extension = ISO_2022_EXTENSIONS.get(sets[i].trim().toUpperCase(Locale.ROOT));
            if (extension != null && (asciiBase || iso2022) && Charset.isSupported(extension)) {
                return Optional.of(Charset.forName(extension));
            }
        }
        return base.isEmpty() ? Optional.of(DEFAULT) : forMsh18(base);
    }

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
