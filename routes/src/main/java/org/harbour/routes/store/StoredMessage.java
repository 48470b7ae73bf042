package org.harbour.routes.store;

import java.time.Instant;

/**
 * A message store entry as operators see it (without the raw bytes). {@code translation} is
 * TRANSLATED, UNMAPPED (no specific mapping for the type; generic resources kept) or null (not
 * yet translated, or a rejected message); {@code resources} how many FHIR resources it yielded;
 * {@code resendKey} the key that recognises its resend; {@code collisionOf} for a control-id
 * collision (the key of a message stored earlier, other content), that message's id;
 * {@code deliveries} how many notifications about it recipients' endpoints accepted; {@code stage}
 * how far it went ({@link #stage()}).
 */
public record StoredMessage(
        String id,
        String controlId,
        String sender,
        String sendingApplication,
        String messageType,
        String hl7Version,
        MessageStatus status,
        Instant receivedAt,
        Instant storedAt,
        String remoteAddress,
        String listener,
        String charset,
        long sizeBytes,
        String sha256,
        String reason,
        int duplicates,
        String translation,
        Integer resources,
        String resendKey,
        String collisionOf,
        int deliveries) {

    /** How far a message went through the hub, as operators read it. */
    public enum Stage {
        /** Refused at ingest (answered AR/AE); kept with the reason. */
        REJECTED,
        /** Accepted and recorded; not yet translated. */
        RECEIVED,
        /** Kept, but the translator could not read it: the reason is in its report. */
        TRANSLATION_FAILED,
        /** Translated, its records stored and its patient linked (one transaction). */
        STORED,
        /** Stored, and at least one recipient's endpoint accepted a notification about it. */
        DELIVERED
    }

    /** The stage the message reached: in the JSON beside {@code status}. */
    @com.fasterxml.jackson.annotation.JsonProperty("stage")
    public Stage stage() {
        if (status == MessageStatus.REJECTED) {
            return Stage.REJECTED;
        }
        if (translation == null) {
            return Stage.RECEIVED;
        }
        if ("FAILED".equals(translation)) {
            return Stage.TRANSLATION_FAILED;
        }
        return deliveries > 0 ? Stage.DELIVERED : Stage.STORED;
    }
}
