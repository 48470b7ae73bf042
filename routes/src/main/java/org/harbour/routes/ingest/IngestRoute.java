package org.harbour.routes.ingest;

import org.apache.camel.builder.RouteBuilder;
import org.harbour.connectors.mllp.camel.MllpListenerComponent;
import org.harbour.routes.RouteIds;

/**
 * Ingest over MLLP: check the envelope, then either enqueue durably (persistent send to
 * harbour.inbound) or keep the rejected message, and only then acknowledge. A failure anywhere
 * leaves no reply body, and the listener answers AR so the sender keeps and resends the message.
 *
 * <p>The steps are the beans' methods called directly (processors), not through Camel's bean
 * binding: this route runs once per received message, and the reflective invocation was a large
 * share of its cost. It starts on the listener's I/O thread; the write is asynchronous, and the
 * steps after it (remembering the key, the acknowledgement) run on the thread that learns the
 * message is stored (the broker's), which also sends the answer.
 */
public class IngestRoute extends RouteBuilder {

    private final InboundGate gate;
    private final InboundQueueWriter writer;
    private final Acknowledgements acknowledgements;

    public IngestRoute(InboundGate gate, InboundQueueWriter writer, Acknowledgements acknowledgements) {
        this.gate = gate;
        this.writer = writer;
        this.acknowledgements = acknowledgements;
    }

    @Override
    public void configure() {
        from(MllpListenerComponent.SCHEME + ":" + RouteIds.MLLP_LISTENER)
                .routeId(RouteIds.INGEST_MLLP)
                .startupOrder(100)
                .errorHandler(noErrorHandler())
                .process(gate.admission()).id("admit")
                .choice()
                    .when(exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.ACCEPT))
                        .process(writer.asyncWriter()).id("enqueue")
                        .process(gate::enqueued).id("remember-key")
                    .when(exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.REJECT))
                        .process(gate.rejectedKeeper()).id("keep-rejected")
                .end()
                .process(acknowledgements::acknowledge).id("acknowledge");
    }
}
