package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.audit.AuditTrail;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The shared stage error handling: redelivery (2 attempts in tests), then the dead-letter queue
 * with the original message, the reason and the failing route; the failure is in the audit trail.
 */
class StageErrorHandlingTest extends HubTestSupport {

    @Autowired
    private org.harbour.routes.support.BrokerSeal seal;

    @Autowired
    private ProducerTemplate producer;

    @Autowired
    private AuditTrail audit;

    /**
     * A stage's send to the next queue is part of its transaction: when the stage fails after the
     * send and its message is redelivered, the next queue holds the message once, not twice.
     */
    @Test
    void aSendToTheNextQueueCommitsWithTheStageOrNotAtAll() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:test.handing-stage?" + RouteIds.STAGE_CONSUMER)
                        .routeId("test-handing-stage")
                        .to("jms:queue:test.next-stage")
                        .process(exchange -> {
                            if (attempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("the stage fails after handing the message on");
                            }
                        });
            }
        });
        producer.sendBodyAndHeader("jms:queue:test.handing-stage", "陳大文 result", Headers.CONTROL_ID, "HAND-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() == 2);
        camel.getRouteController().stopRoute("test-handing-stage");
        camel.removeRoute("test-handing-stage");
        jms.setReceiveTimeout(5_000);
        assertThat(jms.receive("test.next-stage")).as("handed on once the stage committed").isNotNull();
        jms.setReceiveTimeout(1_000);
        assertThat(jms.receive("test.next-stage")).as("the failed attempt's send was rolled back").isNull();
    }

    @Test
    void failingStageRetriesThenDeadLettersTheOriginalWithTheReason() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:test.failing-stage?" + RouteIds.STAGE_CONSUMER)
                        .routeId("test-failing-stage")
                        .routeConfigurationId(StageErrorHandling.ID)
                        .process(exchange -> exchange.getIn().setBody("changed by the stage"))
                        .process(exchange -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("record store unavailable");
                        });
            }
        });
        byte[] original = "MSH|^~\\&|KWC|...|陳大文".getBytes(StandardCharsets.UTF_8);
        producer.sendBodyAndHeader("jms:queue:test.failing-stage", original, Headers.CONTROL_ID, "DLQ-1");

        jms.setReceiveTimeout(30_000);
        Message dead = jms.receiveSelected(RouteIds.DEAD_LETTER_QUEUE, Headers.CONTROL_ID + " = 'DLQ-1'");
        assertThat(dead).isNotNull();
        byte[] body = new byte[(int) ((BytesMessage) dead).getBodyLength()];
        ((BytesMessage) dead).readBytes(body);
        // the original, sealed on the broker like every body: in clear only once opened
        assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain("MSH|");
        assertThat(seal.open(body)).isEqualTo(original);
        // the reason in clear is the failure's code; its text (which may quote the message) only sealed
        assertThat(dead.getStringProperty(Headers.FAILURE_REASON)).isEqualTo("java.lang.IllegalStateException");
        assertThat(new String(seal.open(java.util.Base64.getDecoder().decode(dead.getStringProperty(
                Headers.FAILURE_DETAIL))), StandardCharsets.UTF_8)).isEqualTo("record store unavailable");
        assertThat(dead.getStringProperty(Headers.FAILED_ROUTE)).isEqualTo("test-failing-stage");
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(audit.search(new AuditTrail.Query(null, "unknown", List.of("rejected"), null, null), 500, 0).entries())
                .anySatisfy(e -> assertThat(e.getOutcomeDesc()).isEqualTo("dead-lettered by test-failing-stage to "
                        + RouteIds.DEAD_LETTER_QUEUE + ": java.lang.IllegalStateException"));
        camel.getRouteController().stopRoute("test-failing-stage");
        camel.removeRoute("test-failing-stage");
    }

    /**
     * A stop while a stage waits out its backoff (60 s here) ends at once, and the message stays
     * on its queue for the restart: not dead-lettered, not audited as rejected.
     */
    @Test
    void aStopDuringTheBackoffLeavesTheMessageOnItsQueue() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        camel.addRoutesConfigurations(new StageErrorHandling("test-slow-retries", "test.slow.dlq", 5,
                Duration.ofSeconds(60), 2, Duration.ofSeconds(60), null, audit));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:test.slow-stage?" + RouteIds.STAGE_CONSUMER)
                        .routeId("test-slow-stage")
                        .routeConfigurationId("test-slow-retries")
                        .process(exchange -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("endpoint down");
                        });
            }
        });
        producer.sendBodyAndHeader("jms:queue:test.slow-stage", "陳大文 result", Headers.CONTROL_ID, "STOP-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() == 1);

        long started = System.nanoTime();
        camel.getRouteController().stopRoute("test-slow-stage", 30, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        camel.removeRoute("test-slow-stage");

        jms.setReceiveTimeout(5_000);
        Message kept = jms.receiveSelected("test.slow-stage", Headers.CONTROL_ID + " = 'STOP-1'");
        assertThat(kept).as("the message is back on its queue").isNotNull();
        jms.setReceiveTimeout(1_000);
        assertThat(jms.receive("test.slow.dlq")).as("nothing dead-lettered").isNull();
        assertThat(audit.search(new AuditTrail.Query(null, "unknown", List.of("rejected"), null, null), 500, 0).entries())
                .noneSatisfy(e -> assertThat(e.getOutcomeDesc()).contains("test-slow-stage"));
    }
}
