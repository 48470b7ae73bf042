package org.harbour.routes.ingest;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.connectors.mllp.camel.MllpListenerComponent;
import org.harbour.routes.RouteIds;

/**
 * Ingest over MLLP: check the envelope, then either enqueue durably (persistent send to
 * harbour.inbound) or keep the rejected message, and only then acknowledge. A failure anywhere
 * leaves no reply body, and the listener answers AR so the sender keeps and resends the message.
 */
public class IngestRoute extends RouteBuilder {

    @Override
    public void configure() {
        from(MllpListenerComponent.SCHEME + ":" + RouteIds.MLLP_LISTENER)
                .routeId(RouteIds.INGEST_MLLP)
                .startupOrder(100)
                .errorHandler(noErrorHandler())
                .bean("inboundGate", "admit")
                .choice()
                    .when(exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.ACCEPT))
                        .bean("inboundQueueWriter", "write")
                        .bean("inboundGate", "enqueued")
                    .when(exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.REJECT))
                        .bean("inboundGate", "keepRejected")
                .end()
                .bean("acknowledgements", "acknowledge");
    }
}
