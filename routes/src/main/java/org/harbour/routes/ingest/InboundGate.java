package org.harbour.routes.ingest;

import java.time.Instant;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.harbour.connectors.mllp.LogSafe;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.mappings.hl7.EnvelopeResult;
import org.harbour.mappings.hl7.Hl7Envelope;
import org.harbour.mappings.hl7.Hl7EnvelopeReader;
import org.harbour.mappings.hl7.Hl7Fingerprint;
import org.harbour.mappings.hl7.Hl7Problem;
import org.harbour.routes.Headers;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.store.InboundMessage;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.support.BlockingSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest decisions for one received message: read and check its envelope, recognise a
 * resend, and set the metadata headers that travel with it. Logs ids only, never content.
 */
public class InboundGate implements AutoCloseable {

    /** Exchange properties set here and read by {@link Acknowledgements}. */
    public static final String DISPOSITION = "HarbourDisposition";
    public static final String ENVELOPE = "HarbourEnvelope";
    public static final String PROBLEM = "HarbourProblem";
    /** The message's fingerprint ({@link Hl7Fingerprint}), beside its resend key. */
    public static final String FINGERPRINT = "HarbourFingerprint";

    private static final Logger LOG = LoggerFactory.getLogger(InboundGate.class);

    private final Hl7EnvelopeReader reader = new Hl7EnvelopeReader();
    private final ResendGuard resends;
    private final MessageStore store;
    private final long maxMessageBytes;
    private final AuditTrail audit;
    /** Where the steps that need the database run: never on the listener's I/O thread. */
    private final BlockingSteps databaseSteps = new BlockingSteps("ingest-database");

    /** Nearly full disk: messages are answered AR 207 and not taken. */
    private final DiskGuard disk;

    public InboundGate(ResendGuard resends, MessageStore store, long maxMessageBytes, AuditTrail audit) {
        this(resends, store, maxMessageBytes, audit, null);
    }

    /** @param disk the data directory's free space, or null for no check */
    public InboundGate(ResendGuard resends, MessageStore store, long maxMessageBytes, AuditTrail audit,
            DiskGuard disk) {
        this.disk = disk;
        this.resends = resends;
        this.store = store;
        this.maxMessageBytes = maxMessageBytes;
        this.audit = audit;
    }

    /**
     * The route's admission step, asynchronous: decided on the calling thread (the listener's I/O
     * thread) when memory can tell; when only the database can tell whether it is a resend (the
     * filter's rare "perhaps", or before it is loaded), the query runs on a thread of its own and
     * the route goes on from there.
     */
    public AsyncProcessor admission(ResendKey resendKey) {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                try {
                    if (admitFromMemory(exchange, resendKey)) {
                        callback.done(true);
                        return true;
                    }
                } catch (RuntimeException e) {
                    exchange.setException(e);
                    callback.done(true);
                    return true;
                }
                return databaseSteps.run(exchange, callback, InboundGate.this::admitFromDatabase);
            }
        };
    }

    /** The route's step that keeps a rejected message (a database write), on a thread of its own. */
    public AsyncProcessor rejectedKeeper() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return databaseSteps.run(exchange, callback, InboundGate.this::keepRejected);
            }
        };
    }

    /**
     * Sets the metadata headers and decides the disposition if that needs no query; returns false
     * when only the database can tell whether the message is a resend.
     */
    private boolean admitFromMemory(Exchange exchange, ResendKey resendKey) {
        Message in = exchange.getIn();
        byte[] raw = in.getBody(byte[].class);
        EnvelopeResult result = reader.read(raw);
        Hl7Envelope envelope = result.envelope();
        in.setHeader(Headers.MESSAGE_ID, MessageStore.newId());
        if (envelope != null) {
            in.setHeader(Headers.CONTROL_ID, envelope.text(envelope.controlId()));
            in.setHeader(Headers.SENDER, envelope.text(envelope.sender()));
            in.setHeader(Headers.SENDING_APPLICATION, envelope.text(envelope.sendingApplication()));
            in.setHeader(Headers.RESEND_KEY, resendKey.of(envelope, in.getHeader(MllpHeaders.LISTENER, String.class)));
            in.setHeader(Headers.MESSAGE_TYPE, envelope.messageType());
            in.setHeader(Headers.HL7_VERSION, envelope.version());
            in.setHeader(Headers.CHARSET, envelope.charset().name());
            exchange.setProperty(ENVELOPE, envelope);
        }
        if (disk != null && disk.low()) {
            exchange.setProperty(DISPOSITION, Disposition.NOT_NOW);
            exchange.setProperty(PROBLEM, Hl7Problem.reject(Hl7Problem.APPLICATION_INTERNAL_ERROR,
                    "the hub's disk is nearly full: message not stored; send it again later"));
            return true;
        }
        Long sentLength = in.getHeader(MllpHeaders.SENT_LENGTH, Long.class);
        if (sentLength != null) {
            reject(exchange, Hl7Problem.reject(Hl7Problem.APPLICATION_INTERNAL_ERROR, "message of " + sentLength
                    + " bytes exceeds the maximum of " + maxMessageBytes + " bytes; its first bytes are kept"));
        } else if (result instanceof EnvelopeResult.Rejected rejected) {
            reject(exchange, rejected.problem());
        } else {
            String fingerprint = Hl7Fingerprint.of(raw);
            exchange.setProperty(FINGERPRINT, fingerprint);
            ResendGuard.Known known = resends.inMemory(in.getHeader(Headers.RESEND_KEY, String.class), fingerprint,
                    received(exchange));
            if (known == ResendGuard.Known.ASK_THE_DATABASE) {
                return false;
            }
            resend(exchange, envelope, known == ResendGuard.Known.RESEND);
        }
        return true;
    }

    private void admitFromDatabase(Exchange exchange) {
        Hl7Envelope envelope = exchange.getProperty(ENVELOPE, Hl7Envelope.class);
        resend(exchange, envelope, resends.inDatabase(exchange.getIn().getHeader(Headers.RESEND_KEY, String.class),
                exchange.getProperty(FINGERPRINT, String.class), received(exchange)));
    }

    private static void resend(Exchange exchange, Hl7Envelope envelope, boolean resend) {
        if (resend) {
            LOG.info("Resend recognised: controlId={} sender={}; acknowledged again, not enqueued",
                    LogSafe.identifier(envelope.text(envelope.controlId())),
                    LogSafe.identifier(envelope.text(envelope.sender())));
            exchange.setProperty(DISPOSITION, Disposition.DUPLICATE);
        } else {
            exchange.setProperty(DISPOSITION, Disposition.ACCEPT);
        }
    }

    /** Called once the message is safely on the inbound queue. */
    public void enqueued(Exchange exchange) {
        resends.enqueued(exchange.getIn().getHeader(Headers.RESEND_KEY, String.class),
                exchange.getProperty(FINGERPRINT, String.class), received(exchange));
    }

    /** The receive time as an Instant: set by the MLLP listener, or read once from its header. */
    private static Instant received(Exchange exchange) {
        Instant at = exchange.getProperty(MllpHeaders.RECEIVED_INSTANT, Instant.class);
        if (at == null) {
            at = receivedAt(exchange.getIn());
            exchange.setProperty(MllpHeaders.RECEIVED_INSTANT, at);
        }
        return at;
    }

    /** Keeps a rejected message, with its reason, where operators find it. */
    public void keepRejected(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        Hl7Problem problem = exchange.getProperty(PROBLEM, Hl7Problem.class);
        InboundMessage message = inboundMessage(in);
        store.keepRejected(message, problem.reason());
        audit.record(AuditEvents.messageRejected(message.id(), message.controlId(), message.sender(),
                message.remoteAddress(), problem.ackCode() + " " + problem.errorCode() + ": " + problem.reason()));
        // a rejected envelope is untrusted: its fields may hold what belongs further on (a name, an HKID), so
        // the line names the stored message and the rule it broke; its control id and sender are in the store
        LOG.warn("Rejected message kept: id={} listener={} from {} ({} {}): {}", in.getHeader(Headers.MESSAGE_ID),
                in.getHeader(MllpHeaders.LISTENER), in.getHeader(MllpHeaders.REMOTE_ADDRESS), problem.ackCode(),
                problem.errorCode(), problem.reason());
        LOG.debug("Rejected message {}: controlId={} sender={}", in.getHeader(Headers.MESSAGE_ID),
                LogSafe.identifier(in.getHeader(Headers.CONTROL_ID, String.class)),
                LogSafe.identifier(in.getHeader(Headers.SENDER, String.class)));
    }

    private void reject(Exchange exchange, Hl7Problem problem) {
        exchange.setProperty(DISPOSITION, Disposition.REJECT);
        exchange.setProperty(PROBLEM, problem);
    }

    /** The stored form of a message from its exchange headers. */
    public static InboundMessage inboundMessage(Message in) {
        return new InboundMessage(
                in.getHeader(Headers.MESSAGE_ID, String.class),
                in.getHeader(Headers.CONTROL_ID, String.class),
                in.getHeader(Headers.SENDER, String.class),
                in.getHeader(Headers.SENDING_APPLICATION, String.class),
                in.getHeader(Headers.MESSAGE_TYPE, String.class),
                in.getHeader(Headers.HL7_VERSION, String.class),
                receivedAt(in),
                in.getHeader(MllpHeaders.REMOTE_ADDRESS, String.class),
                in.getHeader(MllpHeaders.LISTENER, String.class),
                in.getHeader(Headers.CHARSET, String.class),
                in.getBody(byte[].class),
                in.getHeader(Headers.RESEND_KEY, String.class));
    }

    private static Instant receivedAt(Message in) {
        String at = in.getHeader(MllpHeaders.RECEIVED_AT, String.class);
        return at == null ? Instant.now() : Instant.parse(at);
    }

    @Override
    public void close() {
        databaseSteps.close();
    }
}
