package org.harbour.mappings.v2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed HL7 v2 message: its segments in order. The parser is lenient by design: any version
 * (2.1 to 2.8 and local variants), any segment including Z-segments, \r, \n or \r\n segment
 * ends, a leading byte-order mark, and the delimiters the message declares. What it cannot read
 * it keeps: every segment and field stays available, so nothing is lost to a strict parse.
 */
public final class V2Message {

    private final List<Segment> segments;
    private final Delimiters delimiters;

    private V2Message(List<Segment> segments, Delimiters delimiters) {
        this.segments = segments;
        this.delimiters = delimiters;
    }

    /** Parses one message; throws {@link IllegalArgumentException} when it has no MSH. */
    public static V2Message parse(String text) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int msh = body.indexOf("MSH");
        if (msh < 0) {
            throw new IllegalArgumentException("no MSH segment");
        }
        body = body.substring(msh);
        Delimiters delimiters = Delimiters.of(body);
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        int n = body.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? body.charAt(i) : '\r';
            if (c == '\r' || c == '\n') {
                if (i > start) {
                    String line = body.substring(start, i);
                    if (!line.isBlank()) {
                        segments.add(new Segment(line.strip(), delimiters, segments.size()));
                    }
                }
                start = i + 1;
            }
        }
        return new V2Message(Collections.unmodifiableList(segments), delimiters);
    }

    public List<Segment> segments() {
        return segments;
    }

    public Segment msh() {
        return segments.get(0);
    }

    public Delimiters delimiters() {
        return delimiters;
    }

    /** The first segment with this name, or null. */
    public Segment first(String name) {
        for (Segment s : segments) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Every segment with this name, in order. */
    public List<Segment> all(String name) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s.name().equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /** MSH-9.1 and MSH-9.2, e.g. ORU^R01; the trigger may be absent in old versions. */
    public String type() {
        Composite t = msh().field(9);
        return t.text(2).isEmpty() ? t.text(1) : t.text(1) + "^" + t.text(2);
    }

    public String version() {
        return msh().text(12);
    }

    public String controlId() {
        return msh().text(10);
    }
}
