package org.harbour.mappings.codes;

import java.util.Map;
import java.util.Optional;

/**
 * One value set mapping, read from {@code codes/<name>.yaml}: source codes (usually an HL7 v2
 * table) to target codes. A code it does not know is never dropped: {@link #map} says so, and
 * callers keep the original code and text; {@link #fallback} is the target code to use where
 * FHIR requires one from a closed set.
 */
public record CodeTable(String name, String sourceSystem, String targetSystem, String fallback,
        Map<String, Target> codes) {

    /** A target code with its system and display. */
    public record Target(String system, String code, String display) {
    }

    public Optional<Target> map(String code) {
        if (code == null || code.isEmpty()) {
            return Optional.empty();
        }
        Target t = codes.get(code);
        if (t == null) {
            t = codes.get(code.toUpperCase(java.util.Locale.ROOT));
        }
        return Optional.ofNullable(t);
    }

    /** The mapped code, or the fallback when unknown (null when the table has none). */
    public String codeOrFallback(String code) {
        return map(code).map(Target::code).orElse(fallback);
    }
}
