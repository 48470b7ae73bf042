package org.harbour.routes.ingest;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.harbour.connectors.mllp.camel.MllpListenerComponent;
import org.harbour.routes.RouteIds;

/**
 * Ingest over MLLP, one route per listener: check the envelope, then either enqueue durably (persistent send to
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

    /**
     * One MLLP listener's ingest: the listener registered under {@code listener}, the route's id,
     * and the key that recognises a resend on it.
     */
    public record Listener(String listener, String routeId, ResendKey resendKey) {
    }

    private final InboundGate gate;
    private final InboundQueueWriter writer;
    private final Acknowledgements acknowledgements;
    private final java.util.List<Listener> listeners;

    public IngestRoute(InboundGate gate, InboundQueueWriter writer, Acknowledgements acknowledgements,
            java.util.List<Listener> listeners) {
        this.gate = gate;
        this.writer = writer;
        this.acknowledgements = acknowledgements;
        this.listeners = java.util.List.copyOf(listeners);
    }

    @Override
    public void configure() {
        for (Listener listener : listeners) {
            from(MllpListenerComponent.SCHEME + ":" + listener.listener())
                    .routeId(listener.routeId())
                    .startupOrder(100 + listeners.indexOf(listener))
                    .errorHandler(noErrorHandler())
                    .choice()
                        // an FHS/BHS batch in one frame: each message taken as if sent alone, one batch of ACKs back
                        .when(exchange -> BatchAcknowledgement.isBatch(exchange.getIn().getBody(byte[].class)))
                            .to("direct:ingest-batch-" + listener.listener())
                        .otherwise()
                            .to("direct:ingest-one-" + listener.listener())
                    .end();
            from("direct:ingest-batch-" + listener.listener())
                    .routeId(listener.routeId() + "-batch")
                    .errorHandler(noErrorHandler())
                    .process(BatchAcknowledgement::remember)
                    .split().method(BatchAcknowledgement.class, "messages").aggregationStrategy(BatchAcknowledgement.COLLECT)
                        .to("direct:ingest-take-" + listener.listener())
                        .process(acknowledgements::acknowledgeInBatch)
                    .end()
                    .process(BatchAcknowledgement::answer).id("acknowledge-batch-" + listener.listener());
            from("direct:ingest-one-" + listener.listener())
                    .routeId(listener.routeId() + "-message")
                    .errorHandler(noErrorHandler())
                    .to("direct:ingest-take-" + listener.listener())
                    .process(acknowledgements::acknowledge).id("acknowledge-" + listener.listener());
            RouteDefinition take = from("direct:ingest-take-" + listener.listener())
                    .routeId(listener.routeId() + "-take").errorHandler(noErrorHandler());
            take(take, gate, writer, listener.resendKey(), listener.listener());
        }
    }

    /**
     * The steps that take one message, wherever it came from (a frame, a batch, a folder's file):
     * admission (the envelope and resend checks), then the durable write to harbour.inbound, or
     * keeping a refused message. The disposition is left on the exchange for the answer.
     *
     * @param ids the suffix of the steps' ids (the listener's or folder's name)
     */
    static void take(RouteDefinition route, InboundGate gate, InboundQueueWriter writer, ResendKey resendKey,
            String ids) {
        route.process(gate.admission(resendKey)).id("admit-" + ids)
                .choice()
                    .when(org.apache.camel.builder.Builder.exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.ACCEPT))
                        .process(writer.asyncWriter()).id("enqueue-" + ids)
                        .process(gate::enqueued).id("remember-key-" + ids)
                    .when(org.apache.camel.builder.Builder.exchangeProperty(InboundGate.DISPOSITION).isEqualTo(Disposition.REJECT))
                        .process(gate.rejectedKeeper()).id("keep-rejected-" + ids)
                .end();
    }
}
