package org.harbour.routes.store;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;

/**
 * Store stage: consumes harbour.inbound in a JMS transaction and records each message; the
 * message leaves the queue only after the database commit. Failures follow the shared stage
 * error handling (redelivery with backoff, then harbour.dlq with the reason).
 */
public class StoreRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("jms:queue:" + RouteIds.INBOUND_QUEUE
                + "?transacted=true&concurrentConsumers={{harbour.stages.store-consumers:8}}"
                + "&cacheLevelName=CACHE_CONSUMER&lazyCreateTransactionManager=false")
                .routeId(RouteIds.STORE)
                .routeConfigurationId(StageErrorHandling.ID)
                .startupOrder(10)
                .bean("storeStage", "store");
    }
}
