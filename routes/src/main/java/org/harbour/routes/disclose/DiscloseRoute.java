package org.harbour.routes.disclose;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;

/**
 * Disclose: a durable shared subscription to topic harbour.records (messages published while
 * the hub is down wait for it); each message's records are checked against the patient's
 * consents per recipient, and each permitted delivery goes to that recipient's queue, in the
 * same JMS transaction. Starts before the store stage, so nothing is published unheard.
 */
public class DiscloseRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("jms:topic:" + RouteIds.RECORDS_TOPIC + "?subscriptionDurable=true&subscriptionShared=true"
                + "&durableSubscriptionName=" + RouteIds.DISCLOSE + "&concurrentConsumers=2&" + RouteIds.STAGE_CONSUMER)
                .routeId(RouteIds.DISCLOSE)
                .routeConfigurationId(StageErrorHandling.ID)
                .startupOrder(5)
                .bean("discloseStage", "disclose")
                .split(body())
                    .toD("jms:queue:harbour.outbound.${header." + DiscloseStage.RECIPIENT + "}?deliveryPersistent=true")
                .end();
    }
}
