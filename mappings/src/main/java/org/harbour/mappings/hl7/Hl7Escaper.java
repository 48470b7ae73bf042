package org.harbour.mappings.hl7;

/** Escapes text for an HL7 v2 field with the message's own delimiters (\F\ \S\ \T\ \R\ \E\). */
public final class Hl7Escaper {

    private final char field;
    private final char component;
    private final char repetition;
    private final char escape;
    private final char subcomponent;

    public Hl7Escaper(char fieldSeparator, String encodingCharacters) {
        this.field = fieldSeparator;
        this.component = encodingCharacters.charAt(0);
        this.repetition = encodingCharacters.charAt(1);
        this.escape = encodingCharacters.charAt(2);
        this.subcomponent = encodingCharacters.charAt(3);
    }

    public String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == field) {
                out.append(escape).append('F').append(escape);
            } else if (c == component) {
                out.append(escape).append('S').append(escape);
            } else if (c == subcomponent) {
                out.append(escape).append('T').append(escape);
            } else if (c == repetition) {
                out.append(escape).append('R').append(escape);
            } else if (c == escape) {
                out.append(escape).append('E').append(escape);
            } else if (c == '\r' || c == '\n') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
