package org.harbour.routes.store;

/** What the store stage did with a message. */
public enum StoreOutcome {
    /** Recorded for the first time. */
    STORED,
    /** This very message (same message id) again: a broker redelivery after a failure or crash. */
    REDELIVERED,
    /** The same sender and control id were already stored within the duplicate window. */
    DUPLICATE
}
