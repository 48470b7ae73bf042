package org.harbour.routes;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.harbour.routes.config.HarbourProperties;

/**
 * The error handling every stage after ingest shares: redelivery with exponential backoff (from
 * {@code harbour.stages.redelivery.*}), then the dead-letter queue, which keeps the original
 * message and says why it failed and where.
 */
public class StageErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "stage-errors";
    private static final int MAX_REASON_LENGTH = 1000;

    private final HarbourProperties.Redelivery redelivery;

    public StageErrorHandling(HarbourProperties.Redelivery redelivery) {
        this.redelivery = redelivery;
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
                .onPrepareFailure(StageErrorHandling::describeFailure));
    }

    /** Adds the reason and the failing route to the dead letter. */
    static void describeFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown failure" : cause.getClass().getName() + ": " + cause.getMessage();
        exchange.getIn().setHeader(Headers.FAILURE_REASON,
                reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason);
        exchange.getIn().setHeader(Headers.FAILED_ROUTE, exchange.getFromRouteId());
    }
}
