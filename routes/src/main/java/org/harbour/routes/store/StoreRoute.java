package org.harbour.routes.store;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;
import org.harbour.routes.ingest.InboundMetadata;
import org.harbour.routes.translate.TranslateStage;

/**
 * Store and translate stage: consumes harbour.inbound in a JMS transaction; unpacks the message's
 * metadata into headers ({@link InboundMetadata}); translates the
 * message to FHIR R4, then records it in the message store (once) and its resources in the record
 * store (leaving out results already stored, checking orders against the lab history), all in one
 * database transaction, and publishes the stored resources on topic harbour.records. The message
 * leaves the queue only after all of that committed. A resend already stored is not stored or
 * translated again; a redelivery of the same message is (translation is idempotent). Failures
 * follow the shared stage error handling.
 */
public class StoreRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("jms:queue:" + RouteIds.INBOUND_QUEUE
                + "?" + RouteIds.STAGE_CONSUMER + "&concurrentConsumers={{harbour.stages.store-consumers:8}}")
                .routeId(RouteIds.STORE)
                .routeConfigurationId(StageErrorHandling.ID)
                .startupOrder(10)
                .process(InboundMetadata::expand).id("metadata")
                .bean("translateStage", "storeAndTranslate")
                .choice()
                    .when(header(TranslateStage.OUTCOME).isNotEqualTo(StoreOutcome.DUPLICATE.name()))
                        .to("jms:topic:" + RouteIds.RECORDS_TOPIC + "?deliveryPersistent=true")
                .end();
    }
}
