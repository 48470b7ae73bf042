package org.harbour.connectors.mllp;

import java.io.IOException;
import java.time.Duration;

/** How an {@link MllpServer} serves its connections. */
interface MllpEngine {

    void start() throws IOException;

    /** Stops accepting, lets connections finish what they hold, waits up to {@code grace}. */
    void stop(Duration grace);

    int port();

    boolean isListening();

    int activeConnections();

    long refusedConnections();

    long skippedBytes();
}
