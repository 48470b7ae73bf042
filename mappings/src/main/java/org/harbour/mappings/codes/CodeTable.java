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

    /**
     * The other way: the source code for a target code, the first the table lists for it (so
     * {@code official} goes back to XPN-7 {@code L}); empty when the table has none.
     */
    public Optional<String> reverse(String targetCode) {
        if (targetCode == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, Target> e : codes.entrySet()) {
            if (targetCode.equals(e.getValue().code())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The mapped code, or the fallback when unknown (null when the table has none). */
    public String codeOrFallback(String code) {
        return map(code).map(Target::code).orElse(fallback);
    }
}
