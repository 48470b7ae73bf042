package org.harbour.mappings.hl7;

/** HL7 table 0008, original-mode acknowledgement codes. */
public enum AckCode {
    /** Accepted: the message is safe with the receiver. */
    AA,
    /** Error in the message content; resending it unchanged will not help. */
    AE,
    /** Rejected: the envelope is unusable, or the receiver cannot take it now. */
    AR
}
