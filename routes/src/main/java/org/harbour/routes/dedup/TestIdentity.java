package org.harbour.routes.dedup;

import java.util.Locale;
import org.harbour.mappings.codes.CodeTable;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Which laboratory test a result or an order is about, so that the same test from two
 * institutions meets: LOINC where the message carries it; otherwise the sender's local code
 * mapped to LOINC (code table {@code lab-test-loinc}, overridable in {@code config/codes/});
 * otherwise the local code itself, which then compares only within the same sending facility.
 */
public final class TestIdentity {

    public static final String LOINC = "http://loinc.org";

    /** A test: {@code key} is what histories are compared by; {@code code} what per-test windows name. */
    public record Test(String key, String code, String display, boolean loinc) {
    }

    private final CodeTable localToLoinc;

    public TestIdentity(CodeTable localToLoinc) {
        this.localToLoinc = localToLoinc;
    }

    /** The test a code names, for a message from {@code facility}; null when the code carries nothing usable. */
    public Test of(CodeableConcept code, String facility) {
        if (code == null) {
            return null;
        }
        for (Coding c : code.getCoding()) {
            if (LOINC.equals(c.getSystem()) && c.hasCode()) {
                return new Test("loinc|" + c.getCode(), c.getCode(), display(c, code), true);
            }
        }
        String site = facility == null ? "" : facility.trim().toUpperCase(Locale.ROOT);
        for (Coding c : code.getCoding()) {
            if (c.hasCode()) {
                var mapped = localToLoinc.map(site + "|" + c.getCode().trim());
                if (mapped.isPresent()) {
                    return new Test("loinc|" + mapped.get().code(), mapped.get().code(), mapped.get().display(), true);
                }
            }
        }
        for (Coding c : code.getCoding()) {
            if (c.hasCode()) {
                String local = c.getCode().trim().toUpperCase(Locale.ROOT);
                return new Test("local|" + site + "|" + (c.hasSystem() ? c.getSystem() : "") + "|" + local, local,
                        display(c, code), false);
            }
        }
        return null;
    }

    private static String display(Coding c, CodeableConcept code) {
        return c.hasDisplay() ? c.getDisplay() : code.hasText() ? code.getText() : c.getCode();
    }
}
