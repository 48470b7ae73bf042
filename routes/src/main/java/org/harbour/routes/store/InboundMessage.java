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
 * @param resendKey the key that recognises a resend, as ingest made it (null: sending application,
 *     sender and control id)
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
        byte[] raw,
        String resendKey) {

    /** A message without a key of its own: sending application, sender and control id. */
    public InboundMessage(String id, String controlId, String sender, String sendingApplication, String messageType,
            String hl7Version, Instant receivedAt, String remoteAddress, String listener, String charset, byte[] raw) {
        this(id, controlId, sender, sendingApplication, messageType, hl7Version, receivedAt, remoteAddress, listener,
                charset, raw, null);
    }

    /** The key that recognises a resend. */
    public String deduplicationKey() {
        return resendKey != null ? resendKey : sendingApplication + '|' + sender + '|' + controlId;
    }

    /** What it says, MSH-7 left out: a resend has the same, a control-id collision another. */
    public String fingerprint() {
        return org.harbour.mappings.hl7.Hl7Fingerprint.of(raw);
    }
}
