package org.harbour.routes.store;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;

/**
 * Store and translate stage: consumes harbour.inbound in a JMS transaction; records the message
 * in the message store (once), translates it to FHIR R4 into the record store (leaving out results
 * already stored, checking orders against the lab history: one transaction), and publishes the
 * stored resources on topic harbour.records. The message leaves the queue only after all of that
 * committed. A resend already stored is not translated again; a redelivery of the same message
 * is (translation is idempotent). Failures follow the shared stage error handling.
 */
public class StoreRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("jms:queue:" + RouteIds.INBOUND_QUEUE
                + "?" + RouteIds.STAGE_CONSUMER + "&concurrentConsumers={{harbour.stages.store-consumers:8}}")
                .routeId(RouteIds.STORE)
                .routeConfigurationId(StageErrorHandling.ID)
                .startupOrder(10)
                .bean("storeStage", "store")
                .choice()
                    .when(header(StoreStage.OUTCOME).isNotEqualTo(StoreOutcome.DUPLICATE.name()))
                        .bean("translateStage", "translate")
                        .to("jms:topic:" + RouteIds.RECORDS_TOPIC + "?deliveryPersistent=true")
                .end();
    }
}
