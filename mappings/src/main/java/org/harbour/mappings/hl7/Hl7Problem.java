package org.harbour.mappings.hl7;

/**
 * Why an HL7 v2 message was not accepted, with the acknowledgement it earns.
 *
 * @param ackCode AR (rejected: envelope problems, or the receiver could not take it now) or
 *     AE (error in the content)
 * @param errorCode HL7 table 0357 code for ERR
 * @param reason a sentence for the sender and for operators; never contains message content
 */
public record Hl7Problem(AckCode ackCode, int errorCode, String reason) {

    /** HL7 table 0357 codes used by Harbour. */
    public static final int SEGMENT_SEQUENCE_ERROR = 100;
    public static final int REQUIRED_FIELD_MISSING = 101;
    public static final int DATA_TYPE_ERROR = 102;
    public static final int UNSUPPORTED_MESSAGE_TYPE = 200;
    public static final int UNSUPPORTED_VERSION = 203;
    public static final int APPLICATION_INTERNAL_ERROR = 207;

    public static Hl7Problem reject(int errorCode, String reason) {
        return new Hl7Problem(AckCode.AR, errorCode, reason);
    }

    public static Hl7Problem error(int errorCode, String reason) {
        return new Hl7Problem(AckCode.AE, errorCode, reason);
    }

    /** HL7 table 0357 text for the code. */
    public String errorText() {
        return switch (errorCode) {
            case SEGMENT_SEQUENCE_ERROR -> "Segment sequence error";
            case REQUIRED_FIELD_MISSING -> "Required field missing";
            case DATA_TYPE_ERROR -> "Data type error";
            case UNSUPPORTED_MESSAGE_TYPE -> "Unsupported message type";
            case UNSUPPORTED_VERSION -> "Unsupported version id";
            default -> "Application internal error";
        };
    }
}
