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
    private final jakarta.jms.ConnectionFactory connections;

    /** @param connections the broker connections for the recipients' queues (see {@link DeliverStage#connectionFactory}) */
    public DeliverRoutes(Recipients recipients, jakarta.jms.ConnectionFactory connections) {
        this.recipients = recipients;
        this.connections = connections;
    }

    /**
     * A delivery's queue message is acknowledged by the deliver stage itself, on its own, once the
     * route is done with it and what it recorded is committed ({@link DeferredAcknowledgements}):
     * the next delivery waits neither for that commit nor for a broker sync. (A transacted consumer
     * waited for a journal sync and a database commit per delivery, and one recipient's deliveries
     * run one at a time: measured, those waits were nine tenths of each delivery's time under load.)
     * The listener's session is exposed to the route (else Spring opens a new connection and session
     * for every message); a dead letter is a plain persistent send on it.
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
            org.apache.camel.component.jms.JmsEndpoint queue = getCamelContext().getEndpoint("jms:queue:"
                    + Recipients.queueOf(recipient) + "?concurrentConsumers=1&maxConcurrentConsumers=1&"
                    + DELIVERY_CONSUMER, org.apache.camel.component.jms.JmsEndpoint.class);
            // this endpoint's own copy of the configuration: the other routes keep the shared factory
            queue.getConfiguration().setConnectionFactory(connections);
            from(queue)
                    .routeId(routeId(recipient))
                    .routeConfigurationId(StageErrorHandling.DELIVERY_ID)
                    .startupOrder(order++)
                    .bean("deliverStage", "deliver");
        }
    }
}
