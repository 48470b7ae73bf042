package org.harbour.connectors.mllp;

import java.io.IOException;
import java.time.Duration;

/**
 * An MLLP listener. Plain TCP listeners read and answer all their connections on a few I/O
 * threads ({@link MllpSelectorServer}); TLS listeners, and plain ones configured with no I/O
 * threads, use one thread per connection ({@link MllpSocketServer}). Either way the messages of a
 * connection are handled in order, each answered once the handler has replied, and the framing
 * is {@link MllpFrameDecoder}'s.
 *
 * <p>Stopping closes the listening socket, lets each connection finish the message it is
 * handling (and any it already has buffered), then closes it; connections waiting between
 * messages close at the next poll.
 */
public final class MllpServer implements AutoCloseable {

    private final MllpServerConfig config;
    private final MllpAsyncHandler handler;
    private volatile MllpEngine engine;

    /** A listener whose handler answers on the thread that calls it. */
    public MllpServer(MllpServerConfig config, MllpHandler handler) {
        this(config, MllpAsyncHandler.of(handler));
    }

    public MllpServer(MllpServerConfig config, MllpAsyncHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    /** Binds and starts accepting. */
    public synchronized void start() throws IOException {
        if (engine != null) {
            throw new IllegalStateException("already started");
        }
        MllpEngine created = config.tls() != null || config.ioThreads() == 0
                ? new MllpSocketServer(config, handler) : new MllpSelectorServer(config, handler);
        created.start();
        engine = created;
    }

    /** Stops accepting, lets connections finish what they hold, waits up to {@code grace}. */
    public synchronized void stop(Duration grace) {
        MllpEngine running = engine;
        if (running != null) {
            running.stop(grace);
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** The bound port (useful when configured as 0), or -1 when not started. */
    public int port() {
        MllpEngine running = engine;
        return running == null ? -1 : running.port();
    }

    /** True while bound and accepting. */
    public boolean isListening() {
        MllpEngine running = engine;
        return running != null && running.isListening();
    }

    public int activeConnections() {
        MllpEngine running = engine;
        return running == null ? 0 : running.activeConnections();
    }

    public long refusedConnections() {
        MllpEngine running = engine;
        return running == null ? 0 : running.refusedConnections();
    }

    public long skippedBytes() {
        MllpEngine running = engine;
        return running == null ? 0 : running.skippedBytes();
    }
}
