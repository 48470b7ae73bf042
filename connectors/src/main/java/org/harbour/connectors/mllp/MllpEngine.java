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
    /** Connections open per remote address. */
    private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, java.util.concurrent.atomic.AtomicInteger>
            perAddress = new java.util.concurrent.ConcurrentHashMap<>();
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

    /**
     * Takes a new connection from {@code address} when the listener's limits allow it, with
     * {@code open} connections open; otherwise counts and logs the refusal and returns false. A
     * taken connection is given back with {@link #released}.
     */
    final boolean admitted(java.net.InetAddress address, Object remote, int open) {
        MllpServerConfig.Limits limits = config.limits();
        boolean known = address != null && limits.knownSenders().contains(address.getHostAddress());
        String refusal = null;
        if (open >= config.maxConnections()) {
            refusal = open + " connections open (the maximum)";
        } else if (!known && !limits.knownSenders().isEmpty() && open >= config.maxConnections() - limits.reserved()) {
            refusal = "the last " + limits.reserved() + " connections are kept for known senders";
        }
        if (refusal == null && address != null) {
            java.util.concurrent.atomic.AtomicInteger count = perAddress.computeIfAbsent(address,
                    a -> new java.util.concurrent.atomic.AtomicInteger());
            if (count.incrementAndGet() > limits.perAddress() && !known) {
                count.decrementAndGet();
                refusal = limits.perAddress() + " connections open from this address (the maximum for one address)";
            }
        }
        if (refusal == null) {
            return true;
        }
        refused.incrementAndGet();
        LOG.warn("MLLP listener '{}' refused a connection from {}: {}", config.name(), remote, refusal);
        return false;
    }

    /** A connection from {@code address} taken by {@link #admitted} has closed. */
    final void released(java.net.InetAddress address) {
        if (address == null) {
            return;
        }
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /**
     * Why a connection should be closed now, or null: it completed no message within the first
     * message timeout, or the message it is sending arrives slower than the minimum rate.
     *
     * @param openedAt when the connection was taken (epoch ms)
     * @param completed whether a whole message has arrived on it
     * @param blockStartedAt when the message now arriving began (epoch ms), or 0 when none is
     * @param blockBytes how many of its bytes have arrived
     */
    final String slowSender(long now, long openedAt, boolean completed, long blockStartedAt, long blockBytes) {
        MllpServerConfig.Limits limits = config.limits();
        if (!completed && now - openedAt > limits.firstMessageTimeout().toMillis()) {
            return "no complete message within " + limits.firstMessageTimeout().toMillis() + " ms of connecting";
        }
        if (blockStartedAt > 0 && limits.minBytesPerSecond() > 0) {
            long elapsed = now - blockStartedAt;
            if (elapsed > limits.grace().toMillis() && blockBytes * 1000 < (long) limits.minBytesPerSecond() * elapsed) {
                return "the message arrived at " + (blockBytes * 1000 / Math.max(1, elapsed)) + " bytes/s, below the"
                        + " minimum of " + limits.minBytesPerSecond() + " (the partial message was not acknowledged)";
            }
        }
        return null;
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
