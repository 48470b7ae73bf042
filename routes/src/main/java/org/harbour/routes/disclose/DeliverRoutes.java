package org.harbour.routes.disclose;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.RouteIds;
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

    public static String routeId(String recipient) {
        return "deliver-" + recipient;
    }

    @Override
    public void configure() {
        int order = 20;
        for (String recipient : recipients.all().keySet()) {
            from("jms:queue:" + Recipients.queueOf(recipient) + "?concurrentConsumers=1&maxConcurrentConsumers=1&"
                    + RouteIds.STAGE_CONSUMER)
                    .routeId(routeId(recipient))
                    .routeConfigurationId(StageErrorHandling.DELIVERY_ID)
                    .startupOrder(order++)
                    .bean("deliverStage", "deliver");
        }
    }
}
