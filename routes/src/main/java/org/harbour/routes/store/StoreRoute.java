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
 * translated again; a redelivery of the same message is (translation is idempotent). A message
 * that cannot be translated is stored with the reason in its report (translation FAILED) and not
 * published. Other failures move the message aside at once, to be retried later on the broker's
 * schedule ({@link StageErrorHandling#STORE_ID}), so one bad message never holds up the rest.
 */
public class StoreRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("jms:queue:" + RouteIds.INBOUND_QUEUE
                + "?" + RouteIds.STAGE_CONSUMER + "&concurrentConsumers={{harbour.stages.store-consumers:8}}")
                .routeId(RouteIds.STORE)
                .routeConfigurationId(StageErrorHandling.STORE_ID)
                .startupOrder(10)
                .process(InboundMetadata::expand).id("metadata")
                .bean("translateStage", "storeAndTranslate")
                .choice()
                    .when(header(TranslateStage.PUBLISH).isEqualTo(true))
                        .to("jms:topic:" + RouteIds.RECORDS_TOPIC + "?deliveryPersistent=true")
                .end();
    }
}
