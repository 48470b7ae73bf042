package org.harbour.mappings.v2;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One segment: fields numbered as HL7 numbers them (for MSH, MSH-1 is the field separator and
 * MSH-2 the encoding characters). Every field, component and subcomponent a mapper reads is
 * marked, so what was never read can be reported: nothing is dropped silently.
 */
public final class Segment {

    private final String name;
    private final String[] fields;
    private final Delimiters delimiters;
    private final int position;
    private final boolean header;
    /** Per field: bit 0 the whole field; bit {@code c*64+s} subcomponent s of component c (s 0: all of it). */
    private BitSet[] reads;
    /** Per field: which repetitions were read (bit 0: all of them). */
    private BitSet[] repetitionsRead;

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
        markRead(n, 0, 0, 0);
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
        String raw = peek(n);
        if (raw.isEmpty()) {
            return Composite.EMPTY;
        }
        int cut = header && n == 2 ? -1 : raw.indexOf(delimiters.repetition());
        return new Composite(cut < 0 ? raw : raw.substring(0, cut), delimiters, delimiters.component(),
                delimiters.subcomponent(), this, n, 0, 1);
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
            reads = new BitSet[Math.max(fields.length + 1, n + 1)];
            repetitionsRead = new BitSet[reads.length];
        } else if (n >= reads.length) {
            reads = java.util.Arrays.copyOf(reads, n + 1);
            repetitionsRead = java.util.Arrays.copyOf(repetitionsRead, n + 1);
        }
        if (reads[n] == null) {
            reads[n] = new BitSet();
            repetitionsRead[n] = new BitSet();
        }
        reads[n].set(c == 0 ? 0 : c * 64 + Math.min(s, 63));
        repetitionsRead[n].set(r);
    }

    private BitSet reads(int n) {
        return reads == null || n >= reads.length ? null : reads[n];
    }

    /** Field numbers that hold a value no mapper read any part of. */
    public List<Integer> unread() {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= size(); n++) {
            BitSet r = reads(n);
            if ((r == null || r.isEmpty()) && !isEmptyField(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private boolean isEmptyField(int n) {
        int slot = slot(n);
        return slot < 1 || slot >= fields.length || new Composite(fields[slot], delimiters, delimiters.component(),
                delimiters.subcomponent()).isEmpty();
    }

    /**
     * The parts of fields a mapper read only in part: each repetition never read, as
     * {@code field(repetition)}, and each component (or subcomponent) of a read repetition that
     * holds a value and was never read, as {@code field.component} or
     * {@code field.component.subcomponent}, in order.
     */
    public List<String> unreadParts() {
        List<String> out = new ArrayList<>();
        for (int n = 1; n <= size(); n++) {
            BitSet r = reads(n);
            if (r == null || r.isEmpty() || (header && n <= 2)) {
                continue;
            }
            BitSet reps = repetitionsRead[n];
            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
            int index = 0;
            for (String repetition : split(peek(n), delimiters.repetition())) {
                index++;
                if (!reps.get(0) && !reps.get(index)) {
                    if (!blank(repetition.replace(String.valueOf(delimiters.component()), "")
                            .replace(String.valueOf(delimiters.subcomponent()), ""))) {
                        out.add(n + "(" + index + ")");
                    }
                    continue;
                }
                if (r.get(0)) {
                    continue;
                }
                String[] components = split(repetition, delimiters.component());
                for (int c = 1; c <= components.length; c++) {
                    String component = components[c - 1];
                    if (blank(component) || r.get(c * 64)) {
                        continue;
                    }
                    String[] subs = split(component, delimiters.subcomponent());
                    for (int k = 1; k <= subs.length; k++) {
                        if (!blank(subs[k - 1]) && !r.get(c * 64 + Math.min(k, 63))) {
                            seen.add(subs.length == 1 ? n + "." + c : n + "." + c + "." + k);
                        }
                    }
                }
            }
            out.addAll(seen);
        }
        return out;
    }

    private static boolean blank(String value) {
        return value.isBlank() || value.equals("\"\"");
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
