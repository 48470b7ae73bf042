package org.harbour.routes.ingest;

/** What ingest does with a received message. */
public enum Disposition {
    /** Passes the basic checks and is new: enqueue durably, then AA. */
    ACCEPT,
    /** A resend of an accepted message: AA again, not enqueued. */
    DUPLICATE,
    /** Fails a basic check: keep it with the reason, answer AR or AE. */
    REJECT
}
