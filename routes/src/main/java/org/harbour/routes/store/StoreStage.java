package org.harbour.routes.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.ingest.InboundGate;
import org.harbour.routes.support.GroupCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each message taken from harbour.inbound in the message store, once. The store stage's
 * consumers hand their messages to one group committer, so concurrent messages share a database
 * transaction; each consumer's JMS transaction commits only after its message's database commit.
 * The "received" audit entry of each newly stored message is in the same transaction.
 */
public class StoreStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreStage.class);
    private static final int MAX_BATCH_MESSAGES = 256;
    private static final long MAX_BATCH_BYTES = 8L << 20;

    private final GroupCommit<InboundMessage, StoreOutcome> commits;
    private final Counter stored;
    private final Counter duplicates;

    public StoreStage(MessageStore store, MeterRegistry meters, AuditTrail audit,
            org.springframework.transaction.support.TransactionTemplate tx, Duration timeout) {
        this.commits = new GroupCommit<>("store", 1, MAX_BATCH_MESSAGES, MAX_BATCH_BYTES, m -> m.raw().length,
                timeout, batch -> tx.execute(status -> {
                    List<StoreOutcome> outcomes = store.storeAccepted(batch);
                    List<org.hl7.fhir.r4.model.AuditEvent> received = new java.util.ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (outcomes.get(i) == StoreOutcome.STORED) {
                            InboundMessage m = batch.get(i);
                            received.add(AuditEvents.messageReceived(m.id(), m.controlId(), m.sender(),
                                    m.remoteAddress(), m.messageType()));
                        }
                    }
                    audit.appendInTransaction(received);
                    return outcomes;
                }));
        this.stored = meters.counter("harbour.store.messages", "outcome", "stored");
        this.duplicates = meters.counter("harbour.store.messages", "outcome", "duplicate");
    }

    /** Header set here: what the store did (a {@link StoreOutcome} name). */
    public static final String OUTCOME = "HarbourStoreOutcome";

    public void store(Exchange exchange) throws Exception {
        InboundMessage message = InboundGate.inboundMessage(exchange.getIn());
        StoreOutcome outcome = commits.submit(message);
        exchange.getIn().setHeader(OUTCOME, outcome.name());
        if (outcome != StoreOutcome.REDELIVERED) {
            (outcome == StoreOutcome.STORED ? stored : duplicates).increment();
        }
        LOG.debug("Message {} controlId={} {}", message.id(), message.controlId(), outcome);
    }

    @Override
    public void close() {
        commits.close();
    }
}
