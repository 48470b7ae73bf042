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
    private static final int MAX_REASON_LENGTH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(StageErrorHandling.class);

    private final HarbourProperties.Redelivery redelivery;
    private final AuditTrail audit;

    public StageErrorHandling(HarbourProperties.Redelivery redelivery, AuditTrail audit) {
        this.redelivery = redelivery;
        this.audit = audit;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID).errorHandler(deadLetterChannel("jms:queue:" + RouteIds.DEAD_LETTER_QUEUE)
                .useOriginalMessage()
                .maximumRedeliveries(redelivery.maximumAttempts())
                .redeliveryDelay(redelivery.initialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(redelivery.multiplier())
                .maximumRedeliveryDelay(redelivery.maximumDelay().toMillis())
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
                    "dead-lettered by " + exchange.getFromRouteId() + " to " + RouteIds.DEAD_LETTER_QUEUE + ": " + reason));
        } catch (Exception e) {
            // the dead letter keeps the message and its reason either way
            LOG.error("A dead-lettered message could not be written to the audit trail: {}", e.toString());
        }
    }
}
