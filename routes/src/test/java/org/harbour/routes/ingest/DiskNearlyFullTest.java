package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A hub whose disk is nearly full (here: a minimum free space no disk has) answers every message
 * AR 207, so its sender keeps it and resends later, stores nothing, and says so in its health.
 */
class DiskNearlyFullTest extends HubTestSupport {

    @DynamicPropertySource
    static void ownHub(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "disk-full-test");
        registry.add("harbour.ingest.min-free-disk", () -> "1000000TB");
    }

    @Test
    void messagesAreAnsweredSendAgainLaterAndNotTaken() throws IOException {
        String sender = uniqueSender("FULL");
        try (MllpClient client = connect()) {
            Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "F-1", "UNICODE UTF-8"))));
            assertThat(ack.code()).isEqualTo("AR");
            assertThat(ack.msa()).contains("disk is nearly full", "send it again later");
            assertThat(ack.err()).hasValueSatisfying(err -> assertThat(err).contains("207"));
        }
        assertThat(countFrom(sender)).isZero();
        String health = new String(get("/actuator/health", null).body(), StandardCharsets.UTF_8);
        assertThat(health).contains("\"backlog\":{\"status\":\"OUT_OF_SERVICE\"");
    }
}
