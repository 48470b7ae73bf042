package org.harbour.connectors.mllp;

import java.util.function.Consumer;

/**
 * Takes responsibility for a received message and answers once it has, possibly later and on
 * another thread (when a durable write completes, say).
 */
@FunctionalInterface
public interface MllpAsyncHandler {

    /**
     * Called one message at a time per connection: the connection's next message waits until
     * {@code reply} was called. With the selector listener this runs on a thread that serves many
     * connections, so it must not block for long; slow work belongs on other threads, which then
     * call {@code reply}. Must call {@code reply} exactly once, with the acknowledgement's
     * payload (several answers joined by {@link Mllp#answers}; empty when the sender asked for
     * none), and must not throw for bad input (it answers with a rejection instead).
     */
    void handle(MllpReceived received, Consumer<byte[]> reply);

    /** A handler that answers on the calling thread. */
    static MllpAsyncHandler of(MllpHandler handler) {
        return (received, reply) -> reply.accept(handler.handle(received));
    }
}
