package org.harbour.connectors.mllp;

/** Takes responsibility for a received message and returns the acknowledgement payload to send. */
@FunctionalInterface
public interface MllpHandler {

    /**
     * Called on the connection's thread, one message at a time per connection; the next
     * message on the same connection waits until this returns. Must not throw for bad input:
     * it answers with a rejection instead.
     */
    byte[] handle(MllpReceived received);
}
