package org.harbour.routes.disclose;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.StageErrorHandling;

/**
 * Deliver: one route per recipient, consuming its queue one message at a time (so an endpoint
 * gets its messages in order, and an outage holds them back in order), transactionally: a
 * delivery leaves the queue only once the endpoint accepted it, or it was withheld, or it went
 * to the dead-letter queue with the reason.
 */
public class DeliverRoutes extends RouteBuilder {

    private final Recipients recipients;

    public DeliverRoutes(Recipients recipients) {
        this.recipients = recipients;
    }

    /**
     * A delivery's queue message is acknowledged (client acknowledgement) once the route is done
     * with it, without waiting for the broker: the endpoint's acceptance is already recorded by then
     * (the receipt, in the database, committed before the route ends), so an acknowledgement lost in
     * a crash only brings the message back to be recognised as delivered and not sent again. A
     * transacted consumer waited for a journal sync per delivery, and one recipient's deliveries run
     * one at a time: measured, that wait was half of each delivery's time under load. A failure
     * (retries exhausted and the dead letter not written, or the hub stopping) recovers the session,
     * and the message is delivered again, still first in its queue.
     */
    static final String DELIVERY_CONSUMER = "transacted=false&acknowledgementModeName=CLIENT_ACKNOWLEDGE"
            + "&cacheLevelName=CACHE_CONSUMER&exposeListenerSession=true";

    public static String routeId(String recipient) {
        return "deliver-" + recipient;
    }

    @Override
    public void configure() {
        int order = 20;
        for (String recipient : recipients.all().keySet()) {
            from("jms:queue:" + Recipients.queueOf(recipient) + "?concurrentConsumers=1&maxConcurrentConsumers=1&"
                    + DELIVERY_CONSUMER)
                    .routeId(routeId(recipient))
                    .routeConfigurationId(StageErrorHandling.DELIVERY_ID)
                    .startupOrder(order++)
                    .bean("deliverStage", "deliver");
        }
    }
}
