package org.harbour.mappings.fhir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a conversion did not map, and why: each segment or field left unmapped, each warning.
 * Nothing is dropped silently; what is here is what a reader of the FHIR output would not see.
 * Entries may quote message content (a Z-segment, an unmapped value): the report is clinical
 * data and must be kept like the message, never logged above DEBUG.
 */
public final class ConversionReport {

    /** How serious an entry is. */
    public enum Severity { INFO, WARNING, ERROR }

    /** One entry: where (segment and field, e.g. {@code PID-10} or {@code ZPI}), and what. */
    public record Entry(Severity severity, String location, String message) {
        @Override
        public String toString() {
            return severity + " " + location + ": " + message;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public void info(String location, String message) {
        entries.add(new Entry(Severity.INFO, location, message));
    }

    public void warning(String location, String message) {
        entries.add(new Entry(Severity.WARNING, location, message));
    }

    public void error(String location, String message) {
        entries.add(new Entry(Severity.ERROR, location, message));
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public List<Entry> entries(Severity severity) {
        return entries.stream().filter(e -> e.severity() == severity).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
