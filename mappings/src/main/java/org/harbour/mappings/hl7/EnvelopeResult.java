package org.harbour.mappings.hl7;

/** The outcome of reading a message's envelope. */
public sealed interface EnvelopeResult {

    /** What could be read of the envelope; null only when not even MSH could be read. */
    Hl7Envelope envelope();

    /** The envelope is readable and passes the basic checks. */
    record Accepted(Hl7Envelope envelope) implements EnvelopeResult {
    }

    /**
     * The message fails a basic check. {@code envelope} is whatever could be read (null when
     * not even MSH could be), so that the acknowledgement can still be addressed properly.
     */
    record Rejected(Hl7Envelope envelope, Hl7Problem problem) implements EnvelopeResult {
    }
}
