package org.harbour.routes;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error handling every stage after ingest shares: redelivery with exponential backoff (from
 * {@code harbour.stages.redelivery.*}), then the dead-letter queue, which keeps the original
 * message and says why it failed and where.
 */
public class StageErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "stage-errors";
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

    public StageErrorHandling(HarbourProperties.Redelivery redelivery, AuditTrail audit) {
        this(ID, RouteIds.DEAD_LETTER_QUEUE, redelivery.maximumAttempts(), redelivery.initialDelay(),
                redelivery.multiplier(), redelivery.maximumDelay(), null, audit);
    }

    /**
     * @param neverRetried failures that go to the dead-letter queue at once (null: none)
     */
    public StageErrorHandling(String id, String deadLetters, int maximumAttempts, java.time.Duration initialDelay,
            double multiplier, java.time.Duration maximumDelay, Class<? extends Exception> neverRetried,
            AuditTrail audit) {
        this.id = id;
        this.deadLetters = deadLetters;
        this.maximumAttempts = maximumAttempts;
        this.initialDelay = initialDelay;
        this.multiplier = multiplier;
        this.maximumDelay = maximumDelay;
        this.neverRetried = neverRetried;
        this.audit = audit;
    }

    @Override
    public void configuration() {
        var configuration = routeConfiguration(id);
        if (neverRetried != null) {
            configuration.onException(neverRetried).maximumRedeliveries(0).handled(true).useOriginalMessage()
                    .process(this::describeFailure).to("jms:queue:" + deadLetters);
        }
        configuration.errorHandler(deadLetterChannel("jms:queue:" + deadLetters)
                .useOriginalMessage()
                .maximumRedeliveries(maximumAttempts)
                .redeliveryDelay(initialDelay.toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(multiplier)
                .maximumRedeliveryDelay(maximumDelay.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhaustedMessageHistory(false)
                .logExhaustedMessageBody(false)
                .onPrepareFailure(this::describeFailure));
    }

    /** Adds the reason and the failing route to the dead letter, and records the failure in the audit trail. */
    void describeFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown failure" : cause.getClass().getName() + ": " + cause.getMessage();
        exchange.getIn().setHeader(Headers.FAILURE_REASON,
                reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason);
        exchange.getIn().setHeader(Headers.FAILED_ROUTE, exchange.getFromRouteId());
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
}
