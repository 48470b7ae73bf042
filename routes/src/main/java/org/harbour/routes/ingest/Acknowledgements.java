package org.harbour.routes.ingest;

import org.apache.camel.Exchange;
import org.harbour.connectors.mllp.Mllp;
import org.harbour.mappings.hl7.AckBuilder;
import org.harbour.mappings.hl7.Hl7Envelope;
import org.harbour.mappings.hl7.Hl7Problem;

/**
 * Sets the reply to the HL7 acknowledgement that matches the message's disposition: in original
 * mode one AA/AE/AR; in enhanced mode (MSH-15 or MSH-16 given) the accept acknowledgement
 * (CA/CE/CR) and the application acknowledgement the sender asked for, or nothing when it asked
 * for neither. Harbour's application acknowledgement says the hub has taken the message
 * (stored durably, or kept as refused): translation and delivery are the hub's own work, with
 * their own reports. With {@code harbour.mllp.acknowledgements: original} every message gets the
 * original-mode answer, for senders that fill MSH-15/16 but expect AA.
 */
public class Acknowledgements {

    private final AckBuilder acks;
    private final boolean enhancedWhenAsked;

    public Acknowledgements(AckBuilder acks, boolean enhancedWhenAsked) {
        this.acks = acks;
        this.enhancedWhenAsked = enhancedWhenAsked;
    }

    /**
     * The acknowledgement of one message of a batch: always original mode (a batch's answer is
     * itself a batch, of one ACK per message), whatever the message's MSH-15/16 ask.
     */
    public void acknowledgeInBatch(Exchange exchange) {
        Disposition disposition = exchange.getProperty(InboundGate.DISPOSITION, Disposition.class);
        Hl7Envelope envelope = exchange.getProperty(InboundGate.ENVELOPE, Hl7Envelope.class);
        boolean problem = disposition == Disposition.REJECT || disposition == Disposition.NOT_NOW;
        Hl7Problem why = problem ? exchange.getProperty(InboundGate.PROBLEM, Hl7Problem.class) : null;
        exchange.getMessage().setBody(problem ? acks.problem(envelope, why) : acks.accept(envelope));
    }

    public void acknowledge(Exchange exchange) {
        Disposition disposition = exchange.getProperty(InboundGate.DISPOSITION, Disposition.class);
        Hl7Envelope envelope = exchange.getProperty(InboundGate.ENVELOPE, Hl7Envelope.class);
        boolean problem = disposition == Disposition.REJECT || disposition == Disposition.NOT_NOW;
        Hl7Problem why = problem ? exchange.getProperty(InboundGate.PROBLEM, Hl7Problem.class) : null;
        byte[] ack;
        if (enhancedWhenAsked && envelope != null && envelope.enhancedMode()) {
            ack = Mllp.answers(acks.enhanced(envelope, why));
        } else {
            ack = problem ? acks.problem(envelope, why) : acks.accept(envelope);
        }
        exchange.getMessage().setBody(ack);
    }
}
