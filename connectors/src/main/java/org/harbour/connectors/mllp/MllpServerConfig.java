package org.harbour.connectors.mllp;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How an MLLP listener behaves.
 *
 * @param name the listener's name, recorded with each message it receives
 * @param host the address to bind ("0.0.0.0" for all)
 * @param port the port; 0 picks a free one
 * @param maxConnections connections served at once; further ones are closed at once
 * @param maxMessageBytes largest payload kept; longer ones are answered with a rejection
 * @param idleTimeout how long a connection may be silent between messages
 * @param stalledTimeout how long a sender may pause inside a message
 * @param pollInterval how often blocked reads wake to check timeouts and shutdown
 * @param tls server TLS context, or null for plain TCP
 * @param clientAuth with TLS: {@code none}, {@code want} or {@code need} a client certificate
 * @param ioThreads threads that read and answer all connections of a plain listener (each serves
 *     many, with non-blocking sockets); 0 for one thread per connection, as TLS listeners always have
 * @param limits what one sender may take of the listener ({@link Limits})
 */
public record MllpServerConfig(
        String name,
        String host,
        int port,
        int maxConnections,
        int maxMessageBytes,
        Duration idleTimeout,
        Duration stalledTimeout,
        Duration pollInterval,
        SSLContext tls,
        String clientAuth,
        int ioThreads,
        Limits limits) {

    /**
     * What one sender may take of a listener, so that a sender that stalls, trickles or opens
     * connections without end cannot lock the others out.
     *
     * @param perAddress connections open at once from one address (known senders excepted)
     * @param knownSenders addresses (as written by {@code InetAddress.getHostAddress()}) of
     *     configured senders: not held to {@code perAddress}, and they alone get the last
     *     {@code reserved} connections
     * @param reserved connections kept for known senders (none when no sender is known)
     * @param firstMessageTimeout how long a connection may stay open without completing its first
     *     message (shorter than the idle timeout that applies between messages)
     * @param minBytesPerSecond inside a message, once {@code grace} has passed since it began, the
     *     slowest rate accepted; a slower message is abandoned (not acknowledged) and its connection
     *     closed; 0 for no minimum
     * @param grace how long a message may arrive at any rate
     */
    public record Limits(int perAddress, java.util.Set<String> knownSenders, int reserved,
            Duration firstMessageTimeout, int minBytesPerSecond, Duration grace) {

        public Limits {
            knownSenders = knownSenders == null ? java.util.Set.of() : java.util.Set.copyOf(knownSenders);
            if (perAddress < 1) {
                throw new IllegalArgumentException("perAddress must be at least 1");
            }
        }

        /** No limit beyond the listener's own: any address may take every connection, no minimum rate. */
        public static Limits none(int maxConnections, Duration idleTimeout) {
            return new Limits(maxConnections, java.util.Set.of(), 0, idleTimeout, 0, Duration.ZERO);
        }
    }

    /** A listener without per-sender limits ({@link Limits#none}). */
    public MllpServerConfig(String name, String host, int port, int maxConnections, int maxMessageBytes,
            Duration idleTimeout, Duration stalledTimeout, Duration pollInterval, SSLContext tls, String clientAuth,
            int ioThreads) {
        this(name, host, port, maxConnections, maxMessageBytes, idleTimeout, stalledTimeout, pollInterval, tls,
                clientAuth, ioThreads, Limits.none(maxConnections, idleTimeout));
    }

    public MllpServerConfig {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1");
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative");
        }
        if (clientAuth == null) {
            clientAuth = "none";
        }
        if (limits == null) {
            limits = Limits.none(maxConnections, idleTimeout);
        }
    }

    /** A plain listener with the defaults Harbour ships. */
    public static MllpServerConfig plain(String name, String host, int port) {
        return new MllpServerConfig(name, host, port, 256, 16 * 1024 * 1024, Duration.ofMinutes(10),
                Duration.ofSeconds(60), Duration.ofMillis(250), null, "none", defaultIoThreads());
    }

    /** One I/O thread per core, at most four. */
    public static int defaultIoThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }
}
