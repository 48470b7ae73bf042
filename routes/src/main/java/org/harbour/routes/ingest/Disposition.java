package org.harbour.routes.ingest;

/** What ingest does with a received message. */
public enum Disposition {
    /** Passes the basic checks and is new: enqueue durably, then AA. */
    ACCEPT,
    /** A resend of an accepted message: AA again, not enqueued. */
    DUPLICATE,
    /** Fails a basic check: keep it with the reason, answer AR or AE. */
    REJECT,
    /**
     * Not taken now (the hub's disk is nearly full): answered AR 207, so the sender resends it
     * later; not kept, since there is nowhere safe to keep it and nothing is wrong with it.
     */
    NOT_NOW
}
