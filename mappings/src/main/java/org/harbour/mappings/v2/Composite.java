package org.harbour.mappings.v2;

/**
 * One repetition of a field (or one component, seen as a composite of its subcomponents):
 * components numbered from 1, text decoded of escape sequences on access. The HL7 explicit null
 * {@code ""} reads as empty.
 */
public final class Composite {

    static final Composite EMPTY = new Composite("", Delimiters.STANDARD, '^', '&');

    private final String raw;
    private final Delimiters delimiters;
    private final char separator;
    private final char inner;
    private String[] parts;

    Composite(String raw, Delimiters delimiters, char separator, char inner) {
        this.raw = raw;
        this.delimiters = delimiters;
        this.separator = separator;
        this.inner = inner;
    }

    /** The undecoded text, delimiters included. */
    public String raw() {
        return raw;
    }

    public boolean isEmpty() {
        return raw.isEmpty() || raw.equals("\"\"") || raw.chars().allMatch(c -> c == separator || c == inner);
    }

    public int size() {
        return parts().length;
    }

    /** Component {@code n} (from 1), its first subcomponent, decoded; "" when absent. */
    public String text(int n) {
        String[] p = parts();
        if (n < 1 || n > p.length) {
            return "";
        }
        String part = p[n - 1];
        int cut = part.indexOf(inner);
        if (cut >= 0) {
            part = part.substring(0, cut);
        }
        return clean(part);
    }

    /** The first component, decoded. */
    public String text() {
        return text(1);
    }

    /** Component {@code n} as a composite of its subcomponents. */
    public Composite component(int n) {
        String[] p = parts();
        if (n < 1 || n > p.length) {
            return EMPTY;
        }
        return new Composite(p[n - 1], delimiters, inner, inner);
    }

    /** Component {@code n}, subcomponent {@code s}, decoded. */
    public String text(int n, int s) {
        return component(n).text(s);
    }

    /** The whole value decoded, delimiters shown as they were (for reports and free text). */
    public String decoded() {
        return clean(raw);
    }

    private String clean(String part) {
        if (part.isEmpty() || part.equals("\"\"")) {
            return "";
        }
        return Escapes.decode(part, delimiters).strip();
    }

    private String[] parts() {
        if (parts == null) {
            parts = Segment.split(raw, separator);
        }
        return parts;
    }

    @Override
    public String toString() {
        return raw;
    }
}
