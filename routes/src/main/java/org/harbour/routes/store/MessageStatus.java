package org.harbour.routes.store;

/** Where a message stands in the hub. */
public enum MessageStatus {
    /** Accepted, acknowledged AA, and recorded by the store stage. */
    RECEIVED,
    /** Failed the basic checks at ingest; answered AR or AE and kept here for operators. */
    REJECTED
}
