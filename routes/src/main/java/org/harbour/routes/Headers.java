package org.harbour.routes;

/**
 * Message metadata carried as headers (Camel) and properties (JMS) from ingest onwards. The
 * listener's own headers are in {@link org.harbour.connectors.mllp.MllpHeaders}.
 */
public final class Headers {

    /** Harbour's id for the message (a UUID), stable across redeliveries. */
    public static final String MESSAGE_ID = "HarbourMessageId";
    /** MSH-10, also the correlation id in logs. */
    public static final String CONTROL_ID = "HarbourControlId";
    /** MSH-4 (or MSH-3 when MSH-4 is empty). */
    public static final String SENDER = "HarbourSender";
    public static final String SENDING_APPLICATION = "HarbourSendingApplication";
    /** MSH-9 as CODE^EVENT. */
    public static final String MESSAGE_TYPE = "HarbourMessageType";
    public static final String HL7_VERSION = "HarbourHl7Version";
    /**
     * The key that recognises a resend (by default MSH-3|MSH-4|MSH-10, per listener: {@code
     * ResendKey}), set at ingest; without it the store takes the sending application, sender and
     * control id.
     */
    public static final String RESEND_KEY = "HarbourResendKey";
    /** The Java charset the message is decoded with. */
    public static final String CHARSET = "HarbourCharset";
    /** The hub Patient a record belongs to (on harbour.records). */
    public static final String PATIENT_ID = "HarbourPatientId";
    /**
     * On harbour.records: the Type/ids among the published records that an earlier message
     * brought (unchanged since, or repeated by this one), comma-separated; not disclosed again.
     */
    public static final String EARLIER_RECORDS = "HarbourEarlierRecords";
    /**
     * Why a message failed, on the dead-letter queue: the failure's code (its exception class),
     * without its text, which may quote patient data.
     */
    public static final String FAILURE_REASON = "HarbourFailureReason";
    /** The failure's full text, sealed like the body (base64 of {@code BrokerSeal.seal}); absent when it had none. */
    public static final String FAILURE_DETAIL = "HarbourFailureDetail";
    public static final String FAILED_ROUTE = "HarbourFailedRoute";

    private Headers() {
    }
}
