package org.harbour.mappings.v2;

/** The delimiters a message declares in MSH-1 and MSH-2. */
public record Delimiters(char field, char component, char repetition, char escape, char subcomponent,
        char truncation) {

    public static final Delimiters STANDARD = new Delimiters('|', '^', '~', '\\', '&', '#');

    /** Reads them from the start of an MSH (or FHS/BHS) segment; missing ones take the standard. */
    public static Delimiters of(String header) {
        if (header.length() < 4) {
            return STANDARD;
        }
        char field = header.charAt(3);
        String encoding = header.substring(4, Math.min(header.length(), 9));
        int end = encoding.indexOf(field);
        if (end >= 0) {
            encoding = encoding.substring(0, end);
        }
        return new Delimiters(field, at(encoding, 0, '^'), at(encoding, 1, '~'), at(encoding, 2, '\\'),
                at(encoding, 3, '&'), at(encoding, 4, '#'));
    }

    private static char at(String encoding, int i, char standard) {
        return i < encoding.length() ? encoding.charAt(i) : standard;
    }
}
