package org.harbour.routes.store;

/** What the store stage did with a message. */
public enum StoreOutcome {
    /** Recorded for the first time. */
    STORED,
    /** This very message (same message id) again: a broker redelivery after a failure or crash. */
    REDELIVERED,
    /** The same key and content (MSH-7 aside) were already stored within the duplicate window: a resend. */
    DUPLICATE,
    /**
     * Recorded for the first time, though another message with the same key and other content
     * was stored within the window: a control-id collision, kept as its own message and flagged.
     */
    COLLISION
}
