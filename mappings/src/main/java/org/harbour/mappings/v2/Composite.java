package org.harbour.mappings.v2;

/**
 * One repetition of a field (or one component, seen as a composite of its subcomponents):
 * components numbered from 1, text decoded of escape sequences on access. The HL7 explicit null
 * {@code ""} reads as empty. A composite taken from a segment with {@link Segment#field} or
 * {@link Segment#all} tells the segment which components (and subcomponents) were read, so the
 * parts of a field that no mapper read can be reported; {@link #raw()} and {@link #isEmpty()}
 * count as no reading.
 */
public final class Composite {

    static final Composite EMPTY = new Composite("", Delimiters.STANDARD, '^', '&');

    private final String raw;
    private final Delimiters delimiters;
    private final char separator;
    private final char inner;
    /** Where each component starts in {@link #raw}, and its length + 1 after the last; found when first needed. */
    private int[] bounds;
    private String[] texts;
    /** The segment told of reads (null: nobody), the field, and the component (0: this is a whole field). */
    private final Segment owner;
    private final int field;
    private final int component;
    /** Which repetition of the field this is, from 1. */
    private final int repetition;

    Composite(String raw, Delimiters delimiters, char separator, char inner) {
        this(raw, delimiters, separator, inner, null, 0, 0, 1);
    }

    Composite(String raw, Delimiters delimiters, char separator, char inner, Segment owner, int field, int component,
            int repetition) {
        this.raw = raw;
        this.delimiters = delimiters;
        this.separator = separator;
        this.inner = inner;
        this.owner = owner;
        this.field = field;
        this.component = component;
        this.repetition = repetition;
    }

    private void mark(int n, int sub) {
        if (owner != null) {
            if (component == 0) {
                owner.markRead(field, n, sub, repetition);
            } else {
                owner.markRead(field, component, n, repetition);
            }
        }
    }

    /** The undecoded text, delimiters included. */
    public String raw() {
        return raw;
    }

    public boolean isEmpty() {
        return isEmpty(raw, separator, inner);
    }

    /** Whether {@code raw} holds nothing but these delimiters, or is the HL7 explicit null {@code ""}. */
    static boolean isEmpty(String raw, char separator, char inner) {
        if (raw.isEmpty() || raw.equals("\"\"")) {
            return true;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != separator && c != inner) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return bounds().length - 1;
    }

    /** Component {@code n} (from 1), its first subcomponent, decoded; "" when absent. */
    public String text(int n) {
        mark(n, 1);
        return peekText(n);
    }

    /** Component {@code n}, first subcomponent, decoded, without counting it as mapped (to decide, not to copy). */
    public String peekText(int n) {
        int[] b = bounds();
        if (n < 1 || n >= b.length) {
            return "";
        }
        // mappers read the same component several times (a key, then the value): decoded once
        if (texts == null) {
            texts = new String[b.length - 1];
        }
        String decoded = texts[n - 1];
        if (decoded == null) {
            int from = b[n - 1];
            int to = b[n] - 1;
            int cut = from;
            while (cut < to && raw.charAt(cut) != inner) {
                cut++;
            }
            decoded = clean(raw.substring(from, cut));
            texts[n - 1] = decoded;
        }
        return decoded;
    }

    /** The first component, decoded. */
    public String text() {
        return text(1);
    }

    /** Component {@code n} as a composite of its subcomponents. */
    public Composite component(int n) {
        int[] b = bounds();
        if (n < 1 || n >= b.length) {
            return EMPTY;
        }
        String part = raw.substring(b[n - 1], b[n] - 1);
        if (component != 0) {
            mark(n, 0);
            return new Composite(part, delimiters, inner, inner);
        }
        return new Composite(part, delimiters, inner, inner, owner, field, n, repetition);
    }

    /** Component {@code n}, subcomponent {@code s}, decoded. */
    public String text(int n, int s) {
        return component(n).text(s);
    }

    /** The whole value decoded, delimiters shown as they were (for reports and free text). */
    public String decoded() {
        if (owner != null) {
            owner.markRead(field, component, 0, repetition);
        }
        return clean(raw);
    }

    private String clean(String part) {
        if (part.isEmpty() || part.equals("\"\"")) {
            return "";
        }
        return Escapes.decode(part, delimiters).strip();
    }

    private int[] bounds() {
        if (bounds == null) {
            bounds = Segment.bounds(raw, separator);
        }
        return bounds;
    }

    @Override
    public String toString() {
        return raw;
    }
}
