package org.harbour.routes.ingest;

import java.io.IOException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same end-to-end ingest checks with one thread per connection (`harbour.mllp.io-threads=0`,
 * the way TLS listeners always serve), where each connection's thread waits for the asynchronous
 * write's answer.
 */
class MllpIngestThreadPerConnectionTest extends MllpIngestTest {

    @DynamicPropertySource
    static void threadPerConnection(DynamicPropertyRegistry registry) throws IOException {
        registry.add("harbour.mllp.io-threads", () -> "0");
        ownBrokerAndDatabase(registry, "thread-per-connection-test");
    }
}
