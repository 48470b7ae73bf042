package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.Headers;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * 1,000 updates for 50 patients over 8 MLLP connections, interleaved, every one with the same
 * MSH-7 (a sender's clock gives seconds; its bursts share them), so only the order the hub
 * received them in tells which is the newest. The store stage's 8 consumers apply them; one in
 * nine fails its first attempt (moved aside, retried after the later ones were applied) and one
 * in eleven fails after its records were committed (so it is applied a second time later, as
 * after a crash). Every record ends in the state of the last message sent for it.
 */
class OrderedApplicationTest extends HubTestSupport {

    private static final int PATIENTS = 50;
    private static final int UPDATES = 20;
    private static final int CONNECTIONS = 8;

    @DynamicPropertySource
    static void ownHub(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "ordered-test");
        registry.add("harbour.stages.redelivery.initial-delay", () -> "300ms");
        registry.add("harbour.stages.redelivery.maximum-attempts", () -> "5");
    }

    private static String update(String sender, int patient, int update) {
        String time = "20261203101500+0800";
        String order = "ORD-" + patient;
        return "MSH|^~\\&|LIS|" + sender + "|HARBOUR|HUB|" + time + "||ORU^R01^ORU_R01|U-" + patient + "-" + update
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||" + Hkid.complete("T", String.format("%06d", 400_000 + patient)) + "^^^HKID^NNHKG||林^嘉欣||"
                + "19850505|F\r"
                + "OBR|1|" + order + "|F" + order + "|2345-7^Glucose^LN|||" + time + "|||||||||||||||" + time + "|||F\r"
                + "OBX|1|NM|2345-7^Glucose^LN||" + patient + "." + update + "|mmol/L|3.9-6.1||||F|||" + time + "\r";
    }

    @Test
    void interleavedUpdatesWithFailuresAndRedeliveriesEndInTheStateOfTheLastMessageSent() throws Exception {
        String sender = uniqueSender("PWH");
        Set<String> failedBefore = ConcurrentHashMap.newKeySet();
        Set<String> failedAfter = ConcurrentHashMap.newKeySet();
        AdviceWith.adviceWith(camel, RouteIds.STORE, route -> {
            route.weaveById("metadata").after().process(exchange -> failOnce(exchange, 9, failedBefore));
            route.weaveAddLast().process(exchange -> failOnce(exchange, 11, failedAfter));
        });

        ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> sent = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int connection = c;
            sent.add(senders.submit(() -> {
                try (MllpClient client = connect()) {
                    // this connection's patients, their updates interleaved
                    for (int u = 0; u < UPDATES; u++) {
                        for (int p = connection; p < PATIENTS; p += CONNECTIONS) {
                            String ack = new String(client.send(update(sender, p, u).getBytes(StandardCharsets.UTF_8)),
                                    StandardCharsets.UTF_8);
                            assertThat(ack).contains("MSA|AA|");
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> connection : sent) {
            connection.get();
        }
        senders.shutdown();

        awaitStored(sender, (long) PATIENTS * UPDATES);
        awaitInboundDrained();
        assertThat(failedBefore).as("failures were injected before the store").hasSizeGreaterThan(50);
        assertThat(failedAfter).as("and after it").hasSizeGreaterThan(50);
        for (int p = 0; p < PATIENTS; p++) {
            String id = StaleUpdatesTest.observationId(update(sender, p, UPDATES - 1));
            String expected = "\"value\":" + p + "." + (UPDATES - 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    text(getWithToken("/fhir/Observation/" + id))).as("patient " + id).contains(expected));
        }
    }

    /** Fails the first attempt of every {@code every}-th update (by its control id). */
    private static void failOnce(Exchange exchange, int every, Set<String> failed) {
        String controlId = exchange.getIn().getHeader(Headers.CONTROL_ID, String.class);
        boolean firstAttempt = exchange.getIn().getHeader(StageErrorHandling.ATTEMPTS) == null;
        if (controlId != null && firstAttempt && Math.floorMod(controlId.hashCode(), every) == 0
                && failed.add(controlId)) {
            throw new IllegalStateException("injected failure for " + controlId);
        }
    }
}
