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
        int ioThreads) {

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
