package org.harbour.connectors.mllp;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How an {@link MllpServer} serves its connections; what both ways share. */
abstract class MllpEngine {

    static final Logger LOG = LoggerFactory.getLogger(MllpServer.class);

    final MllpServerConfig config;
    final MllpAsyncHandler handler;
    final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong skippedBytes = new AtomicLong();

    MllpEngine(MllpServerConfig config, MllpAsyncHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    abstract void start() throws IOException;

    /** Stops accepting, lets connections finish what they hold, waits up to {@code grace}. */
    abstract void stop(Duration grace);

    abstract int port();

    abstract boolean isListening();

    abstract int activeConnections();

    final long refusedConnections() {
        return refused.get();
    }

    final long skippedBytes() {
        return skippedBytes.get();
    }

    /** Counts and logs a connection turned away because {@code open} connections are open (the maximum). */
    final void refused(Object remote, int open) {
        refused.incrementAndGet();
        LOG.warn("MLLP listener '{}' refused a connection from {}: {} connections open (the maximum)", config.name(),
                remote, open);
    }

    /** Counts and logs bytes skipped outside MLLP blocks on the connection from {@code remote} (counts only). */
    final MllpFrameDecoder.SkippedBytesListener skippedFrom(String remote) {
        return (count, why) -> {
            skippedBytes.addAndGet(count);
            LOG.info("MLLP listener '{}' skipped {} {} from {}", config.name(), count, why, remote);
        };
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing during shutdown or after a failure: nothing left to lose on it
        }
    }
}
