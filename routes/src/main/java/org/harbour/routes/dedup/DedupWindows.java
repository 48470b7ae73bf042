package org.harbour.routes.dedup;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Map;

/**
 * How far back a test's earlier result counts as recent: {@code harbour.dedup.window} (P90D),
 * or a per-test override {@code harbour.dedup.windows.<code>} by LOINC or local code (HbA1c
 * {@code 4548-4: P90D}, potassium {@code 2823-3: P1D}). Counted in calendar days in the hub's zone.
 */
public final class DedupWindows {

    private final Period fallback;
    private final Map<String, Period> perTest;
    private final ZoneId zone;

    public DedupWindows(Period fallback, Map<String, Period> perTest, ZoneId zone) {
        if (fallback.isNegative() || fallback.isZero()) {
            throw new IllegalArgumentException("harbour.dedup.window must be a positive period, e.g. P90D");
        }
        this.fallback = fallback;
        this.perTest = Map.copyOf(perTest);
        this.zone = zone;
    }

    public Period windowFor(TestIdentity.Test test) {
        return perTest.getOrDefault(test.code(), fallback);
    }

    /** The earliest instant whose result still counts as recent at {@code now}. */
    public Instant since(TestIdentity.Test test, Instant now) {
        return now.atZone(zone).minus(windowFor(test)).toInstant();
    }
}
