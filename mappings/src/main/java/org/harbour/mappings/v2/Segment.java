package org.harbour.mappings.v2;

import java.util.ArrayList;
import java.util.List;

/**
 * One segment: fields numbered as HL7 numbers them (for MSH, MSH-1 is the field separator and
 * MSH-2 the encoding characters). Every field, component and subcomponent a mapper reads is
 * marked, so what was never read can be reported: nothing is dropped silently.
 */
public final class Segment {

    private final String name;
    /** The segment as received. */
    private final String line;
    /** Where each field starts in {@link #line}, and after the last one the line's length + 1. */
    private final int[] starts;
    /** The fields as strings, made when first asked for (most are never read). */
    private final String[] fields;
    private final Delimiters delimiters;
    private final int position;
    private final boolean header;
    /**
     * Per field, up to 512 bits in up to eight words: bit 0 the whole field; bit {@code c*16+s} subcomponent s of
     * component c (s 0: all of it; subcomponents beyond the 15th share the 15th's bit, components
     * beyond the 31st the 31st's — no HL7 data type has that many).
     */
    private long[][] reads;
    /** Per field: which repetitions were read (bit 0: all of them; repetitions beyond 63 share bit 63). */
    private long[] repetitionsRead;
    /** Per field: its first repetition, made once (its components are split once however often they are read). */
    private Composite[] firstRepetitions;

    Segment(String text, Delimiters delimiters, int position) {
        this.delimiters = delimiters;
        this.position = position;
        this.line = text;
        this.starts = bounds(text, delimiters.field());
        this.fields = new String[starts.length - 1];
        this.name = field0().strip();
        this.header = name.equals("MSH") || name.equals("FHS") || name.equals("BHS");
    }

    /** The segment id: MSH, PID, OBX, ZPI, ... */
    public String name() {
        return name;
    }

    /** Where the segment sits in its message, from 0. */
    public int position() {
        return position;
    }

    /** The highest field number present. */
    public int size() {
        return header ? fields.length : fields.length - 1;
    }

    private String field0() {
        return slotText(0);
    }

    /** The text of the field in {@code slot} (0 the segment id), substring made once. */
    private String slotText(int slot) {
        String f = fields[slot];
        if (f == null) {
            f = line.substring(starts[slot], starts[slot + 1] - 1);
            fields[slot] = f;
        }
        return f;
    }

    /** Where the parts {@code text} splits into at {@code separator} start, and its length + 1 after the last. */
    static int[] bounds(String text, char separator) {
        int count = 1;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
            count++;
        }
        int[] out = new int[count + 1];
        int k = 1;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
            out[k++] = at + 1;
        }
        out[count] = text.length() + 1;
        return out;
    }

    private int slot(int n) {
        return header ? n - 1 : n;
    }

    /** Field {@code n} undecoded, repetitions included; "" when absent. */
    public String raw(int n) {
        markRead(n, 0, 0, 0);
        return peek(n);
    }

    /** Field {@code n} undecoded, without counting it as mapped (for keys; the report still lists it). */
    public String peek(int n) {
        if (header && n == 1) {
            return String.valueOf(delimiters.field());
        }
        int slot = slot(n);
        return slot >= 1 && slot < fields.length ? slotText(slot) : "";
    }

    /** Every repetition of field {@code n} that is not empty. */
    public List<Composite> all(int n) {
        String raw = peek(n);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<Composite> out = new ArrayList<>(2);
        int index = 0;
        for (String repetition : header && n == 2 ? new String[] {raw} : split(raw, delimiters.repetition())) {
            index++;
            Composite c = new Composite(repetition, delimiters, delimiters.component(), delimiters.subcomponent(),
                    this, n, 0, index);
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first repetition of field {@code n}; empty when absent. */
    public Composite field(int n) {
        if (n >= 0 && n < fields.length + 1 && firstRepetitions != null && firstRepetitions[n] != null) {
            return firstRepetitions[n];
        }
        String raw = peek(n);
        if (raw.isEmpty()) {
            return Composite.EMPTY;
        }
        int cut = header && n == 2 ? -1 : raw.indexOf(delimiters.repetition());
        Composite first = new Composite(cut < 0 ? raw : raw.substring(0, cut), delimiters, delimiters.component(),
                delimiters.subcomponent(), this, n, 0, 1);
        if (n >= 0 && n < fields.length + 1) {
            if (firstRepetitions == null) {
                firstRepetitions = new Composite[fields.length + 1];
            }
            firstRepetitions[n] = first;
        }
        return first;
    }

    /** The first repetition of field {@code n}, without counting it as mapped. */
    public Composite peekField(int n) {
        String raw = peek(n);
        if (raw.isEmpty()) {
            return Composite.EMPTY;
        }
        int cut = header && n == 2 ? -1 : raw.indexOf(delimiters.repetition());
        return new Composite(cut < 0 ? raw : raw.substring(0, cut), delimiters, delimiters.component(),
                delimiters.subcomponent());
    }

    /** Field {@code n}, first repetition, first component, decoded. */
    public String text(int n) {
        return field(n).text(1);
    }

    /** Field {@code n}, first repetition, component {@code c}, decoded. */
    public String text(int n, int c) {
        return field(n).text(c);
    }

    public boolean has(int n) {
        return !field(n).isEmpty();
    }

    /**
     * Marks whole fields as carried into the output without reading them through this segment (a
     * set id, which only numbers the segments; the encoding characters). Only for what the output
     * really holds: a field no mapper places belongs in the report.
     */
    public void consumed(int... ns) {
        for (int n : ns) {
            markRead(n, 0, 0, 0);
        }
    }

    /**
     * Field {@code n}, component {@code c} (0: the whole field), subcomponent {@code s} (0: all of
     * it), of repetition {@code r} (from 1; 0: every repetition) was read.
     */
    void markRead(int n, int c, int s, int r) {
        if (n < 0) {
            return;
        }
        if (reads == null) {
            reads = new long[Math.max(fields.length + 1, n + 1)][];
            repetitionsRead = new long[reads.length];
        } else if (n >= reads.length) {
            reads = java.util.Arrays.copyOf(reads, n + 1);
            repetitionsRead = java.util.Arrays.copyOf(repetitionsRead, n + 1);
        }
        int bit = c == 0 ? 0 : Math.min(c, 31) * 16 + Math.min(s, 15);
        long[] bits = reads[n];
        if (bits == null || bits.length <= bit >>> 6) {
            // most reads are of the first few components: the words grow only as far as they are needed
            bits = bits == null ? new long[(bit >>> 6) + 1] : java.util.Arrays.copyOf(bits, (bit >>> 6) + 1);
            reads[n] = bits;
        }
        bits[bit >>> 6] |= 1L << bit;
        repetitionsRead[n] |= 1L << Math.min(r, 63);
    }

    private long[] reads(int n) {
        return reads == null || n >= reads.length ? null : reads[n];
    }

    private static boolean get(long[] bits, int bit) {
        int word = bit >>> 6;
        return word < bits.length && (bits[word] & (1L << bit)) != 0;
    }

    private static boolean get(long[] bits, int c, int s) {
        return get(bits, Math.min(c, 31) * 16 + Math.min(s, 15));
    }

    /** Field numbers that hold a value no mapper read any part of. */
    public List<Integer> unread() {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= size(); n++) {
            if (reads(n) == null && !isEmptyField(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private boolean isEmptyField(int n) {
        int slot = slot(n);
        return slot < 1 || slot >= fields.length
                || Composite.isEmpty(slotText(slot), delimiters.component(), delimiters.subcomponent());
    }

    /**
     * The parts of fields a mapper read only in part: each repetition never read, as
     * {@code field(repetition)}, and each component (or subcomponent) of a read repetition that
     * holds a value and was never read, as {@code field.component} or
     * {@code field.component.subcomponent}, in order. Scans each field once, without splitting it.
     */
    public List<String> unreadParts() {
        List<String> out = new ArrayList<>();
        for (int n = 1; n <= size(); n++) {
            long[] r = reads(n);
            if (r == null || (header && n <= 2)) {
                continue;
            }
            String raw = peek(n);
            long reps = repetitionsRead[n];
            boolean oneRepetition = raw.indexOf(delimiters.repetition()) < 0;
            if (get(r, 0) && ((reps & 1L) != 0 || oneRepetition)) {
                continue;
            }
            if (oneRepetition && (get(r, 1, 0) || get(r, 1, 1)) && raw.indexOf(delimiters.component()) < 0
                    && raw.indexOf(delimiters.subcomponent()) < 0) {
                // a plain value, read: nothing to look for
                continue;
            }
            scanUnread(n, raw, r, reps, out);
        }
        return out;
    }

    /** One field's unread parts: walks repetitions, components and subcomponents by their delimiters. */
    private void scanUnread(int n, String raw, long[] r, long reps, List<String> out) {
        char rep = delimiters.repetition();
        char comp = delimiters.component();
        char sub = delimiters.subcomponent();
        List<String> seen = null;
        boolean whole = get(r, 0);
        int repetition = 1;
        int start = 0;
        int length = raw.length();
        while (true) {
            int end = indexOf(raw, rep, start, length);
            boolean read = (reps & 1L) != 0 || (reps & (1L << Math.min(repetition, 63))) != 0;
            if (!read) {
                if (hasValue(raw, start, end, comp, sub)) {
                    out.add(n + "(" + repetition + ")");
                }
            } else if (!whole) {
                int c = 1;
                int cs = start;
                while (true) {
                    int ce = indexOf(raw, comp, cs, end);
                    // the bits first: the text is looked at only for what no mapper read
                    if (!get(r, c, 0)) {
                        boolean subs = indexOf(raw, sub, cs, ce) < ce;
                        int k = 1;
                        int ss = cs;
                        while (true) {
                            int se = subs ? indexOf(raw, sub, ss, ce) : ce;
                            if (!get(r, c, k) && hasValue(raw, ss, se, comp, sub)) {
                                if (seen == null) {
                                    seen = new ArrayList<>();
                                }
                                String part = subs ? n + "." + c + "." + k : n + "." + c;
                                // a later repetition names the same part once
                                if (repetition == 1 || !seen.contains(part)) {
                                    seen.add(part);
                                }
                            }
                            if (se >= ce) {
                                break;
                            }
                            k++;
                            ss = se + 1;
                        }
                    }
                    if (ce >= end) {
                        break;
                    }
                    c++;
                    cs = ce + 1;
                }
            }
            if (end >= length) {
                break;
            }
            repetition++;
            start = end + 1;
        }
        if (seen != null) {
            out.addAll(seen);
        }
    }

    /**
     * The first {@code c} in text[from, to), else {@code to}. Bounded by hand: String.indexOf would
     * look on to the end of the field, and a field can be a 100 kB attachment.
     */
    private static int indexOf(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return to;
    }

    /** Whether text[from, to) holds more than delimiters, spaces and the explicit null. */
    private static boolean hasValue(String text, int from, int to, char comp, char sub) {
        if (to - from == 2 && text.charAt(from) == '"' && text.charAt(from + 1) == '"') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != comp && c != sub && !Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }


    public Delimiters delimiters() {
        return delimiters;
    }

    /** The segment as text, delimiters as received. */
    public String text() {
        return line;
    }

    static String[] split(String text, char separator) {
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == separator) {
                count++;
            }
        }
        String[] out = new String[count];
        int start = 0;
        int k = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == separator) {
                out[k++] = text.substring(start, i);
                start = i + 1;
            }
        }
        out[k] = text.substring(start);
        return out;
    }

    @Override
    public String toString() {
        return name + "@" + position;
    }
}
