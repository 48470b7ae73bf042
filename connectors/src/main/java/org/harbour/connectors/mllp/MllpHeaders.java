package org.harbour.connectors.mllp;

/** Camel header names the MLLP listener sets on each exchange (valid JMS property names too). */
public final class MllpHeaders {

    /** ISO-8601 instant at which the message's last byte arrived. */
    public static final String RECEIVED_AT = "HarbourReceivedAt";
    /**
     * Exchange property (not a header: it does not travel): the same instant as an
     * {@link java.time.Instant}, so the route need not parse the header back.
     */
    public static final String RECEIVED_INSTANT = "HarbourReceivedInstant";
    /** Sender address and port. */
    public static final String REMOTE_ADDRESS = "HarbourRemoteAddress";
    /** The listener's name. */
    public static final String LISTENER = "HarbourListener";
    /** The client certificate subject under mutual TLS. */
    public static final String TLS_PEER = "HarbourTlsPeer";
    /** How many bytes the sender sent, when more than the kept payload. */
    public static final String SENT_LENGTH = "HarbourSentLength";

    private MllpHeaders() {
    }
}
