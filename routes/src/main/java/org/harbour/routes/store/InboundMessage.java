package org.harbour.routes.store;

import java.time.Instant;

/**
 * A message and the metadata recorded with it.
 *
 * @param id Harbour's message id
 * @param sender sending facility (or application)
 * @param remoteAddress the connection it came from
 * @param listener the listener that took it
 * @param charset the Java charset it was declared in (or assumed)
 * @param raw the original bytes, exactly as received
 */
public record InboundMessage(
        String id,
        String controlId,
        String sender,
        String sendingApplication,
        String messageType,
        String hl7Version,
        Instant receivedAt,
        String remoteAddress,
        String listener,
        String charset,
        byte[] raw) {

    /** The key that recognises a resend. */
    public String deduplicationKey() {
        return sender + '|' + controlId;
    }
}
