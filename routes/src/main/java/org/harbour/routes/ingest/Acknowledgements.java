package org.harbour.routes.ingest;

import org.apache.camel.Exchange;
import org.harbour.mappings.hl7.AckBuilder;
import org.harbour.mappings.hl7.Hl7Envelope;
import org.harbour.mappings.hl7.Hl7Problem;

/** Sets the reply to the HL7 acknowledgement that matches the message's disposition. */
public class Acknowledgements {

    private final AckBuilder acks;

    public Acknowledgements(AckBuilder acks) {
        this.acks = acks;
    }

    public void acknowledge(Exchange exchange) {
        Disposition disposition = exchange.getProperty(InboundGate.DISPOSITION, Disposition.class);
        Hl7Envelope envelope = exchange.getProperty(InboundGate.ENVELOPE, Hl7Envelope.class);
        byte[] ack = disposition == Disposition.REJECT || disposition == Disposition.NOT_NOW
                ? acks.problem(envelope, exchange.getProperty(InboundGate.PROBLEM, Hl7Problem.class))
                : acks.accept(envelope);
        exchange.getMessage().setBody(ack);
    }
}
