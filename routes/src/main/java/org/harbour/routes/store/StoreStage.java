package org.harbour.routes.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.harbour.routes.ingest.InboundGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records each message taken from harbour.inbound in the message store, once. */
public class StoreStage {

    private static final Logger LOG = LoggerFactory.getLogger(StoreStage.class);

    private final MessageStore store;
    private final Counter stored;
    private final Counter duplicates;

    public StoreStage(MessageStore store, MeterRegistry meters) {
        this.store = store;
        this.stored = meters.counter("harbour.store.messages", "outcome", "stored");
        this.duplicates = meters.counter("harbour.store.messages", "outcome", "duplicate");
    }

    public void store(Exchange exchange) {
        InboundMessage message = InboundGate.inboundMessage(exchange.getIn());
        StoreOutcome outcome = store.storeAccepted(message);
        (outcome == StoreOutcome.STORED ? stored : duplicates).increment();
        LOG.debug("Message {} controlId={} {}", message.id(), message.controlId(), outcome);
    }
}
