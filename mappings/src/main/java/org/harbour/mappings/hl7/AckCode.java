package org.harbour.mappings.hl7;

/** HL7 table 0008: the original-mode (and application) codes, and enhanced mode's accept codes. */
public enum AckCode {
    /** Accepted: the message is safe with the receiver. */
    AA,
    /** Error in the message content; resending it unchanged will not help. */
    AE,
    /** Rejected: the envelope is unusable, or the receiver cannot take it now. */
    AR,
    /** Commit accept (enhanced mode): the message is safe with the receiver. */
    CA,
    /** Commit error (enhanced mode): the message cannot be taken as it is. */
    CE,
    /** Commit reject (enhanced mode): the receiver cannot take it now. */
    CR
}
