package org.harbour.routes;

import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.harbour.connectors.mllp.LogSafe;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error handling every stage after ingest shares: redelivery with exponential backoff (from
 * {@code harbour.stages.redelivery.*}), then the dead-letter queue, which keeps the original
 * message and says why it failed and where.
 *
 * <p>Stopping (the hub, or one route) cuts a waiting retry short, and the message goes back to
 * its queue, not to the dead-letter queue: its transaction is rolled back (Camel still sends the
 * dead letter, but that send is in the same transaction: {@link RouteIds#STAGE_CONSUMER}), and it
 * is tried again after the restart, still first in its queue (a recipient's deliveries keep their
 * order). Without this a
 * stop waited out the backoff (up to its maximum delay, or the shutdown timeout), and a retry
 * cut short was dead-lettered though nothing was wrong with the message.
 *
 * <p>A dead letter that cannot be written fails the exchange too, so its transaction rolls back
 * and the broker redelivers the message: it is never consumed without being kept somewhere.
 */
public class StageErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "stage-errors";
    /**
     * The store stage's error handling: a failed message is moved aside at once (sent back to its
     * queue for a later delivery, scheduled by the broker) instead of holding a consumer through
     * its backoff, so a bad message never holds up the good ones behind it.
     */
    public static final String STORE_ID = "store-errors";
    /** On a message moved aside for a later retry: how many attempts it has had. */
    public static final String ATTEMPTS = "HarbourAttempts";
    /** The broker's scheduled-delivery property (an epoch millisecond); Artemis holds the message till then. */
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** The deliveries' error handling: many more, longer retries (an endpoint may be down for hours). */
    public static final String DELIVERY_ID = "delivery-errors";
    public static final String DELIVERY_DEAD_LETTER_QUEUE = "harbour.outbound.dlq";
    private static final int MAX_REASON_LENGTH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(StageErrorHandling.class);

    private final String id;
    private final String deadLetters;
    private final int maximumAttempts;
    private final java.time.Duration initialDelay;
    private final double multiplier;
    private final java.time.Duration maximumDelay;
    private final Class<? extends Exception> neverRetried;
    private final AuditTrail audit;
    private final String retryLaterQueue;
    private final java.time.Clock clock;
    /** Seals a failure's text for the dead letter (null: the text is not kept). */
    private org.harbour.routes.support.BrokerSeal seal;

    public StageErrorHandling(HarbourProperties.Redelivery redelivery, AuditTrail audit) {
        this(ID, RouteIds.DEAD_LETTER_QUEUE, redelivery.maximumAttempts(), redelivery.initialDelay(),
                redelivery.multiplier(), redelivery.maximumDelay(), null, audit);
    }

    /**
     * The error handling of a stage whose failed messages are moved aside at once: sent back to
     * {@code retryLaterQueue} (the stage's own queue), delivered again after the backoff
     * ({@code harbour.stages.redelivery.*}), in the stage's transaction; after the last attempt,
     * the dead-letter queue.
     */
    public static StageErrorHandling retryingLater(String id, String retryLaterQueue,
            HarbourProperties.Redelivery redelivery, AuditTrail audit, java.time.Clock clock) {
        return new StageErrorHandling(id, RouteIds.DEAD_LETTER_QUEUE, redelivery.maximumAttempts(),
                redelivery.initialDelay(), redelivery.multiplier(), redelivery.maximumDelay(), null, audit,
                retryLaterQueue, clock);
    }

    /**
     * @param neverRetried failures that go to the dead-letter queue at once (null: none)
     */
    public StageErrorHandling(String id, String deadLetters, int maximumAttempts, java.time.Duration initialDelay,
            double multiplier, java.time.Duration maximumDelay, Class<? extends Exception> neverRetried,
            AuditTrail audit) {
        this(id, deadLetters, maximumAttempts, initialDelay, multiplier, maximumDelay, neverRetried, audit, null, null);
    }

    private StageErrorHandling(String id, String deadLetters, int maximumAttempts, java.time.Duration initialDelay,
            double multiplier, java.time.Duration maximumDelay, Class<? extends Exception> neverRetried,
            AuditTrail audit, String retryLaterQueue, java.time.Clock clock) {
        this.retryLaterQueue = retryLaterQueue;
        this.clock = clock;
        this.id = id;
        this.deadLetters = deadLetters;
        this.maximumAttempts = maximumAttempts;
        this.initialDelay = initialDelay;
        this.multiplier = multiplier;
        this.maximumDelay = maximumDelay;
        this.neverRetried = neverRetried;
        this.audit = audit;
    }

    /**
     * Keeps each failure's full text with its dead letter, sealed like the body
     * ({@link Headers#FAILURE_DETAIL}); without this only the failure's code is kept.
     */
    public StageErrorHandling sealingDetailsWith(org.harbour.routes.support.BrokerSeal seal) {
        this.seal = seal;
        return this;
    }

    @Override
    public void configuration() {
        var configuration = routeConfiguration(id);
        if (neverRetried != null) {
            configuration.onException(neverRetried).maximumRedeliveries(0).handled(true).useOriginalMessage()
                    .to("direct:" + deadLetterRoute());
        }
        configuration.errorHandler(deadLetterChannel("direct:" + deadLetterRoute())
                .deadLetterHandleNewException(false)
                .useOriginalMessage()
                // moved aside at once: the retries are the broker's scheduled deliveries, not a consumer's sleep
                .maximumRedeliveries(retryLaterQueue == null ? maximumAttempts : 0)
                .redeliveryDelay(initialDelay.toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(multiplier)
                .maximumRedeliveryDelay(maximumDelay.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhaustedMessageHistory(false)
                .logExhaustedMessageBody(false)
                .allowRedeliveryWhileStopping(false));
        try {
            getCamelContext().addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    if (retryLaterQueue == null) {
                        from("direct:" + deadLetterRoute()).routeId(deadLetterRoute()).errorHandler(noErrorHandler())
                                .process(StageErrorHandling.this::describeFailure)
                                .to("jms:queue:" + deadLetters);
                        return;
                    }
                    from("direct:" + deadLetterRoute()).routeId(deadLetterRoute()).errorHandler(noErrorHandler())
                            .process(StageErrorHandling.this::describeFailure)
                            .choice()
                                .when(header(SCHEDULED_DELIVERY).isNotNull())
                                    .to("jms:queue:" + retryLaterQueue)
                                .otherwise()
                                    .to("jms:queue:" + deadLetters)
                            .end();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the dead-letter route of " + id, e);
        }
    }

    /**
     * The route a failed message takes to the dead-letter queue: first the reason (or, while
     * stopping, a failure instead, so nothing is sent and the message stays on its queue), then
     * the send. A failure there fails the exchange, so its message is not acknowledged or its
     * transaction not committed: it is redelivered. (Checked before the send rather than undone
     * afterwards, so it holds for a consumer whose sends are not in a transaction as well.)
     */
    private String deadLetterRoute() {
        return "dead-letters-" + id;
    }

    /**
     * Whether the hub, or the exchange's route, is stopping (or being suspended). A route being
     * stopped on its own still says "started" while its in-flight exchanges finish; what shows is
     * its consumer, suspended first (or, when a retry's wait was interrupted, the retry it refuses:
     * a RejectedExecutionException in place of the failure).
     */
    private static boolean stopping(Exchange exchange) {
        CamelContext camel = exchange.getContext();
        if (camel.isStopping() || camel.isStopped()) {
            return true;
        }
        if (exchange.getFromRouteId() == null) {
            return false;
        }
        ServiceStatus route = camel.getRouteController().getRouteStatus(exchange.getFromRouteId());
        if (route != null && (route.isStopping() || route.isStopped() || route.isSuspending() || route.isSuspended())) {
            return true;
        }
        org.apache.camel.Route running = camel.getRoute(exchange.getFromRouteId());
        return running != null && running.getConsumer() instanceof org.apache.camel.StatefulService consumer
                && !consumer.isStarted() && !consumer.isStarting();
    }

    /** Thrown instead of dead-lettering while stopping: the message stays on its queue. */
    public static final class StoppedWhileRetrying extends Exception {
        StoppedWhileRetrying(String route) {
            // no stack trace: it is an expected outcome, logged once by Camel as the dead letter's new exception
            super(route + " is stopping; the failed message stays on its queue and is retried after the restart", null,
                    false, false);
        }
    }

    /**
     * Adds the reason and the failing route to the dead letter, and records the failure in the
     * audit trail; or, while stopping, fails instead (nothing is dead-lettered): a stop cuts the
     * retries short, and may itself be why the last attempt failed, so the message keeps its place
     * and goes through its retries again after the restart.
     */
    void describeFailure(Exchange exchange) throws StoppedWhileRetrying {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof RejectedExecutionException || stopping(exchange)) {
            LOG.info("Route {} is stopping; a failed message stays on its queue (not dead-lettered)",
                    exchange.getFromRouteId());
            throw new StoppedWhileRetrying(exchange.getFromRouteId());
        }
        // the reason in clear is the failure's code (its class), never its text, which may quote the message
        String reason = cause == null ? "unknown failure" : cause.getClass().getName();
        exchange.getIn().setHeader(Headers.FAILURE_REASON, reason);
        if (cause != null && cause.getMessage() != null && seal != null) {
            String detail = cause.getMessage();
            exchange.getIn().setHeader(Headers.FAILURE_DETAIL, java.util.Base64.getEncoder().encodeToString(seal.seal(
                    (detail.length() > MAX_REASON_LENGTH ? detail.substring(0, MAX_REASON_LENGTH) : detail)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
        exchange.getIn().setHeader(Headers.FAILED_ROUTE, exchange.getFromRouteId());
        if (retryLaterQueue != null && scheduledRetry(exchange, cause)) {
            return;
        }
        try {
            audit.record(AuditEvents.messageRejected(exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class),
                    exchange.getIn().getHeader(Headers.CONTROL_ID, String.class),
                    exchange.getIn().getHeader(Headers.SENDER, String.class), null,
                    "dead-lettered by " + exchange.getFromRouteId() + " to " + deadLetters + ": " + reason));
        } catch (Exception e) {
            // the dead letter keeps the message and its reason either way
            LOG.error("A dead-lettered message could not be written to the audit trail: {}", e.toString());
        }
    }

    /**
     * For a stage that retries later: when attempts are left, schedules the next one (the
     * broker delivers the message again after the backoff) and returns true; the failure is
     * counted in the message's attempts and logged with ids only.
     */
    private boolean scheduledRetry(Exchange exchange, Exception cause) {
        Integer had = exchange.getIn().getHeader(ATTEMPTS, Integer.class);
        int attempts = (had == null ? 0 : had) + 1;
        if (attempts > maximumAttempts) {
            exchange.getIn().removeHeader(SCHEDULED_DELIVERY);
            return false;
        }
        long delay = retryDelay(attempts).toMillis();
        exchange.getIn().setHeader(ATTEMPTS, attempts);
        exchange.getIn().setHeader(SCHEDULED_DELIVERY, clock.millis() + delay);
        LOG.warn("Message moved aside after a failure in {} (attempt {} of {}): messageId={} controlId={}; retried in {} ms"
                + " ({})", exchange.getFromRouteId(), attempts, maximumAttempts + 1,
                exchange.getIn().getHeader(Headers.MESSAGE_ID),
                LogSafe.identifier(exchange.getIn().getHeader(Headers.CONTROL_ID, String.class)), delay,
                cause == null ? "unknown failure" : cause.getClass().getName());
        return true;
    }

    /** The wait before the given retry (1 for the first): the initial delay, multiplied each time, at most the maximum. */
    java.time.Duration retryDelay(int retry) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, retry - 1);
        return java.time.Duration.ofMillis((long) Math.min(millis, maximumDelay.toMillis()));
    }
}
