package org.harbour.routes.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.harbour.routes.store.StoredMessage;

/**
 * A message's conversion report as the API answers it: which message, the stage it reached, the
 * translation's outcome and resource count, how many entries of each severity, and the entries.
 *
 * @param counts entries per severity: {@code error}, {@code warning}, {@code info} (always all three)
 */
public record ConversionSummary(String messageId, String messageType, String controlId, StoredMessage.Stage stage,
        String translation, Integer resources, Map<String, Integer> counts, List<Entry> entries) {

    /** One line of the report: severity, where in the message, what. */
    public record Entry(String severity, String location, String message) {
    }

    private static final List<String> SEVERITIES = List.of("ERROR", "WARNING", "INFO");

    /** Reads the stored report ({@code SEVERITY location: message} per line). */
    static ConversionSummary of(StoredMessage message, String report) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        SEVERITIES.forEach(s -> counts.put(s.toLowerCase(java.util.Locale.ROOT), 0));
        List<Entry> entries = new ArrayList<>();
        for (String line : report.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int space = line.indexOf(' ');
            String severity = space < 0 ? "" : line.substring(0, space);
            if (!SEVERITIES.contains(severity)) {
                // a line of the previous entry's message (a message may hold a line break)
                if (!entries.isEmpty()) {
                    Entry last = entries.remove(entries.size() - 1);
                    entries.add(new Entry(last.severity(), last.location(), last.message() + "\n" + line));
                    continue;
                }
                severity = "INFO";
                space = -1;
            }
            String rest = line.substring(space + 1);
            int colon = rest.indexOf(": ");
            entries.add(colon < 0 ? new Entry(severity, "", rest)
                    : new Entry(severity, rest.substring(0, colon), rest.substring(colon + 2)));
            counts.merge(severity.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
        }
        return new ConversionSummary(message.id(), message.messageType(), message.controlId(), message.stage(),
                message.translation(), message.resources(), counts, List.copyOf(entries));
    }

    /** The plain-text answer: a summary line, then the report's own lines. */
    String asText() {
        StringBuilder text = new StringBuilder("# message ").append(messageId).append(" (").append(messageType)
                .append(", control id ").append(controlId).append("): stage ").append(stage).append(", translation ")
                .append(translation).append(", ").append(resources == null ? 0 : resources).append(" resources; ")
                .append(counts.get("error")).append(" errors, ").append(counts.get("warning")).append(" warnings, ")
                .append(counts.get("info")).append(" notes\n");
        for (Entry e : entries) {
            text.append(e.severity()).append(' ').append(e.location()).append(": ").append(e.message()).append('\n');
        }
        return text.toString();
    }
}
