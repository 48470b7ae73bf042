package org.harbour.connectors.mllp.camel;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.harbour.connectors.mllp.LogSafe;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.connectors.mllp.MllpReceived;
import org.harbour.connectors.mllp.MllpServer;
import org.harbour.connectors.mllp.MllpServerConfig;
import org.harbour.mappings.hl7.AckBuilder;
import org.harbour.mappings.hl7.Hl7EnvelopeReader;
import org.harbour.mappings.hl7.Hl7Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link MllpServer} and hands each message to the route as an InOut exchange whose
 * reply is the acknowledgement. The route runs asynchronously: a step that completes later (the
 * durable write) answers from the thread that completes it. If the route fails without producing
 * an acknowledgement, the sender gets an AR ("not taken, send again"), never an AA.
 */
final class MllpListenerConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MllpListenerConsumer.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final MllpServerConfig config;
    private final AckBuilder fallbackAcks = new AckBuilder("HARBOUR", Clock.systemDefaultZone());
    private final Hl7EnvelopeReader envelopes = new Hl7EnvelopeReader();
    private MllpServer server;

    MllpListenerConsumer(MllpListenerEndpoint endpoint, Processor processor, MllpServerConfig config) {
        super(endpoint, processor);
        this.config = config;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        server = new MllpServer(config, this::handle);
        server.start();
        MllpListeners.register(getEndpoint().getCamelContext(), config.name(), server);
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop(STOP_GRACE);
            MllpListeners.unregister(getEndpoint().getCamelContext(), config.name());
            server = null;
        }
        super.doStop();
    }

    /**
     * Routes the message asynchronously: the route may finish on another thread (a durable
     * write's completion), and the answer is sent from there.
     */
    private void handle(MllpReceived received, Consumer<byte[]> reply) {
        Exchange exchange = createExchange(false);
        try {
            exchange.setPattern(ExchangePattern.InOut);
            Message in = exchange.getIn();
            in.setBody(received.frame().payload());
            in.setHeader(MllpHeaders.RECEIVED_AT, received.receivedAt().toString());
            exchange.setProperty(MllpHeaders.RECEIVED_INSTANT, received.receivedAt());
            in.setHeader(MllpHeaders.REMOTE_ADDRESS, received.remoteAddress());
            in.setHeader(MllpHeaders.LISTENER, received.listener());
            if (!received.tlsPeer().isEmpty()) {
                in.setHeader(MllpHeaders.TLS_PEER, received.tlsPeer());
            }
            if (received.frame().truncated()) {
                in.setHeader(MllpHeaders.SENT_LENGTH, received.frame().length());
            }
            getAsyncProcessor().process(exchange, doneSync -> {
                try {
                    reply.accept(answer(exchange, received));
                } finally {
                    releaseExchange(exchange, false);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("MLLP listener '{}': processing failed ({}); answering AR so the sender resends",
                    config.name(), LogSafe.failure(e));
            LOG.debug("MLLP listener '{}': the failure in full", config.name(), e);
            releaseExchange(exchange, false);
            reply.accept(notTaken(received.frame().payload()));
        }
    }

    private byte[] answer(Exchange exchange, MllpReceived received) {
        try {
            Object reply = exchange.getMessage().getBody();
            if (exchange.getException() == null && reply instanceof byte[] ack) {
                return ack;
            }
            if (exchange.getException() != null) {
                LOG.error("MLLP listener '{}': the route failed ({}); answering AR so the sender resends",
                        config.name(), LogSafe.failure(exchange.getException()));
                LOG.debug("MLLP listener '{}': the failure in full", config.name(), exchange.getException());
            } else {
                LOG.error("MLLP listener '{}': the route produced no acknowledgement; answering AR", config.name());
            }
        } catch (RuntimeException e) {
            LOG.error("MLLP listener '{}': processing failed ({}); answering AR so the sender resends",
                    config.name(), LogSafe.failure(e));
            LOG.debug("MLLP listener '{}': the failure in full", config.name(), e);
        }
        return notTaken(received.frame().payload());
    }

    private byte[] notTaken(byte[] payload) {
        Hl7Problem problem = Hl7Problem.reject(Hl7Problem.APPLICATION_INTERNAL_ERROR,
                "message not stored; send it again later");
        return fallbackAcks.problem(envelopes.read(payload).envelope(), problem);
    }
}
