package org.harbour.routes.store;

import java.time.Instant;

/**
 * A message store entry as operators see it (without the raw bytes). {@code translation} is
 * TRANSLATED, UNMAPPED (no specific mapping for the type; generic resources kept) or null (not
 * yet translated, or a rejected message); {@code resources} how many FHIR resources it yielded;
 * {@code resendKey} the key that recognises its resend; {@code collisionOf} for a control-id
 * collision (the key of a message stored earlier, other content), that message's id.
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
        String collisionOf) {
}
