package org.harbour.mappings.v2;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One segment: fields numbered as HL7 numbers them (for MSH, MSH-1 is the field separator and
 * MSH-2 the encoding characters). Every field a mapper reads is marked, so what was never read
 * can be reported: nothing is dropped silently.
 */
public final class Segment {

    private final String name;
    private final String[] fields;
    private final Delimiters delimiters;
    private final int position;
    private final boolean header;
    private final BitSet read = new BitSet();

    Segment(String text, Delimiters delimiters, int position) {
        this.delimiters = delimiters;
        this.position = position;
        this.fields = split(text, delimiters.field());
        this.name = fields[0].strip();
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

    private int slot(int n) {
        return header ? n - 1 : n;
    }

    /** Field {@code n} undecoded, repetitions included; "" when absent. */
    public String raw(int n) {
        read.set(n);
        return peek(n);
    }

    /** Field {@code n} undecoded, without counting it as mapped (for keys; the report still lists it). */
    public String peek(int n) {
        if (header && n == 1) {
            return String.valueOf(delimiters.field());
        }
        int slot = slot(n);
        return slot >= 1 && slot < fields.length ? fields[slot] : "";
    }

    /** Every repetition of field {@code n} that is not empty. */
    public List<Composite> all(int n) {
        String raw = raw(n);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<Composite> out = new ArrayList<>(2);
        for (String repetition : header && n == 2 ? new String[] {raw} : split(raw, delimiters.repetition())) {
            Composite c = new Composite(repetition, delimiters, delimiters.component(), delimiters.subcomponent());
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first repetition of field {@code n}; empty when absent. */
    public Composite field(int n) {
        read.set(n);
        return peekField(n);
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

    /** Marks a field as dealt with without reading it (e.g. set-id fields). */
    public void consumed(int... ns) {
        for (int n : ns) {
            read.set(n);
        }
    }

    /** Field numbers that hold a value no mapper read. */
    public List<Integer> unread() {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= size(); n++) {
            if (!read.get(n)) {
                int slot = slot(n);
                if (slot >= 1 && slot < fields.length && !new Composite(fields[slot], delimiters,
                        delimiters.component(), delimiters.subcomponent()).isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    public Delimiters delimiters() {
        return delimiters;
    }

    /** The segment as text, delimiters as received. */
    public String text() {
        return String.join(String.valueOf(delimiters.field()), fields);
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
