package org.harbour.routes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.routes.Headers;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.RouteIds;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A backlog of good messages with failing ones among them drains the good ones although every
 * failing one waits ten minutes for its retry: a failed message is moved aside at once (back on
 * harbour.inbound, scheduled by the broker, its reason and attempts with it), never held by a
 * consumer sleeping through its backoff. With the consumers retrying in place, the eight of them
 * would sleep behind the first eight failures and the good messages would wait.
 */
class StoreStageBacklogTest extends HubTestSupport {

    /** The suite's backlog; {@code -Dharbour.test.backlog.good=10000} for the full size. */
    private static final int GOOD = Integer.getInteger("harbour.test.backlog.good", 1_000);
    /** One failing message to ten good ones; {@code -Dharbour.test.backlog.failing=0} for the same backlog without. */
    private static final int FAILING = Integer.getInteger("harbour.test.backlog.failing", GOOD / 10);

    @DynamicPropertySource
    static void ownHub(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "backlog-test");
        registry.add("harbour.stages.redelivery.initial-delay", () -> "10m");
        registry.add("harbour.stages.redelivery.maximum-delay", () -> "30m");
    }

    @Autowired
    private EmbeddedActiveMQ broker;

    private void send(String sender, String controlId, String receivedAt) {
        byte[] body = Hl7Samples.utf8(Hl7Samples.oru(sender, controlId, "UNICODE UTF-8"));
        jms.send(RouteIds.INBOUND_QUEUE, session -> {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(body);
            m.setStringProperty(Headers.MESSAGE_ID, MessageStore.newId());
            m.setStringProperty(Headers.CONTROL_ID, controlId);
            m.setStringProperty(Headers.SENDER, sender);
            m.setStringProperty(Headers.SENDING_APPLICATION, "MEDILINK");
            m.setStringProperty(Headers.MESSAGE_TYPE, "ORU^R01");
            m.setStringProperty(Headers.HL7_VERSION, "2.5.1");
            m.setStringProperty(Headers.CHARSET, "UTF-8");
            m.setStringProperty(MllpHeaders.RECEIVED_AT, receivedAt);
            m.setStringProperty(MllpHeaders.LISTENER, "mllp");
            m.setStringProperty(org.harbour.routes.ingest.OrderGroups.PROPERTY, "p" + Math.floorMod(controlId.hashCode(), 1024));
            return m;
        });
    }

    private Queue inbound() {
        return broker.getActiveMQServer().locateQueue(SimpleString.of(RouteIds.INBOUND_QUEUE));
    }

    @Test
    void goodMessagesDrainWhileFailingOnesWaitForTheirRetryAside() throws Exception {
        String good = uniqueSender("GOOD");
        String bad = uniqueSender("POISON");
        camel.getRouteController().stopRoute(RouteIds.STORE);
        String now = Instant.now().toString();
        for (int i = 0; i < GOOD; i++) {
            send(good, "G" + i, now);
            if (FAILING > 0 && i % (GOOD / FAILING) == 0) {
                // metadata the store stage cannot read: fails every time it is tried
                send(bad, "B" + i, "not a time");
            }
        }
        long started = System.nanoTime();
        camel.getRouteController().startRoute(RouteIds.STORE);

        await().atMost(Duration.ofMinutes(4L * Math.max(1, GOOD / 1_000))).pollInterval(Duration.ofMillis(200))
                .until(() -> countFrom(good) == GOOD);
        // for the record (not a bound): the drain rate, to compare with a run of the same backlog without failures
        System.out.printf(java.util.Locale.ROOT, "backlog of %d good and %d failing: the good ones stored in %.1f s%n",
                GOOD, FAILING, (System.nanoTime() - started) / 1e9);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbound().getScheduledCount() == FAILING);
        assertThat(countFrom(bad)).isZero();
        // each kept on the queue with its reason and attempt, for its own retry
        assertThat(inbound().getScheduledMessages()).hasSize(FAILING).allSatisfy(reference -> {
            assertThat(reference.getMessage().getStringProperty(Headers.FAILURE_REASON)).contains("DateTimeParseException");
            assertThat(reference.getMessage().getIntProperty(org.harbour.routes.StageErrorHandling.ATTEMPTS)).isEqualTo(1);
            // still in its patient's group: when it comes back it goes to the consumer of that patient's messages
            assertThat(String.valueOf(reference.getMessage().getGroupID())).isEqualTo(
                    "p" + Math.floorMod(reference.getMessage().getStringProperty(Headers.CONTROL_ID).hashCode(), 1024));
        });
        // when their time comes they are tried again (here: now), and moved aside again for the next attempt
        inbound().deliverScheduledMessages();
        await().atMost(Duration.ofSeconds(60)).until(() -> inbound().getScheduledMessages().size() == FAILING
                && inbound().getScheduledMessages().stream().allMatch(reference -> Integer.valueOf(2).equals(
                        reference.getMessage().getIntProperty(org.harbour.routes.StageErrorHandling.ATTEMPTS))));
        Boolean deadLetters = jms.browse(RouteIds.DEAD_LETTER_QUEUE, (session, browser) -> browser.getEnumeration()
                .hasMoreElements());
        assertThat(deadLetters).as("nothing dead-lettered yet").isFalse();
    }
}
