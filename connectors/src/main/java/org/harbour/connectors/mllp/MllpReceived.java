package org.harbour.connectors.mllp;

import java.time.Instant;

/**
 * A message as it arrived on a listener.
 *
 * @param frame the block's payload
 * @param receivedAt when its last byte arrived
 * @param remoteAddress the sender's address and port
 * @param listener the listener's name
 * @param tlsPeer the client certificate's subject with mutual TLS, else empty
 */
public record MllpReceived(MllpFrame frame, Instant receivedAt, String remoteAddress, String listener,
        String tlsPeer) {
}
