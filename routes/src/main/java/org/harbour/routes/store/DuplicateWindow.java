package org.harbour.routes.store;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

/** How far apart two receipts of the same sender and control id may be and still be one message. */
public record DuplicateWindow(Period length) {

    /** True when the two receipts are less than the window apart, in either order. */
    public boolean contains(Instant a, Instant b) {
        Instant earlier = a.isBefore(b) ? a : b;
        Instant later = a.isBefore(b) ? b : a;
        return later.isBefore(earlier.atOffset(ZoneOffset.UTC).plus(length).toInstant());
    }

    /** The earliest receipt that can still be in the window at {@code now}. */
    public Instant start(Instant now) {
        return now.atOffset(ZoneOffset.UTC).minus(length).toInstant();
    }
}
