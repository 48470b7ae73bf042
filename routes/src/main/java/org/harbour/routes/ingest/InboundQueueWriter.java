package org.harbour.routes.ingest;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.harbour.routes.support.BlockingSteps;
import org.harbour.routes.support.BrokerSeal;
import org.harbour.routes.support.EmbeddedBrokerWriter;
import org.harbour.routes.support.GroupCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes received messages to the inbound queue durably: when {@link #write} returns, the broker
 * has the message in its journal.
 *
 * <p>The metadata travels as one message property ({@link InboundMetadata}), and the message
 * joins its patient's delivery group ({@link OrderGroups}). With the broker
 * embedded in this JVM, a message of up to {@link EmbeddedBrokerWriter#MAX_BYTES} is written by
 * the connection's thread through the broker's post office ({@link EmbeddedBrokerWriter}), which
 * returns once the journal has it. Otherwise (an external broker, or a larger message):
 *
 * <p>A connection thread sends its own message, as a plain persistent send: the broker answers
 * once the message is in its journal, and its journal already syncs the sends of many sessions
 * together (measured: as fast as the same sends made directly, where handing each message to a
 * committer thread that batched them in JMS transactions reached 45–80 % of that). Only when
 * {@link #DIRECT_SENDERS} connections are sending at once do further messages wait for the
 * committer threads, which send whatever is waiting in one transaction ({@link GroupCommit}).
 * A failed send or commit fails its messages (none is acknowledged AA, so the senders resend)
 * and its session is closed, with the connection when that broke.
 */
public class InboundQueueWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundQueueWriter.class);
    private static final int MAX_BATCH_MESSAGES = 512;
    private static final long MAX_BATCH_BYTES = 8L << 20;
    /**
     * How many connection threads may send on their own at once (each then holds a session);
     * beyond that, messages wait for the committer threads and share their transactions.
     */
    private static final int DIRECT_SENDERS = 64;

    private static final SimpleString METADATA = SimpleString.of(InboundMetadata.PROPERTY);

    private final ConnectionFactory factory;
    /** Seals each body before it goes to the broker (null: bodies go as they are). */
    private final BrokerSeal seal;
    private final String queue;
    private final SimpleString address;
    /** Writes through the embedded broker's post office; null with an external broker. */
    private final EmbeddedBrokerWriter embedded;
    private final GroupCommit<Outgoing, Boolean> commits;
    /** Which delivery group a message joins, so one patient's messages are applied in order. */
    private final OrderGroups groups;
    /** Sessions not in use; one is taken for each batch, so there are as many as batches at once. */
    private final Queue<Sender> idle = new ConcurrentLinkedQueue<>();
    private final Set<Sender> open = ConcurrentHashMap.newKeySet();
    private volatile Connection connection;
    /** Runs the blocking sends of {@link #asyncWriter()} (external broker, large messages). */
    private final BlockingSteps blockingSends = new BlockingSteps("inbound-writer-send");
    /** Whether a plain persistent send returns only once the broker has it (Artemis's default). */
    private final boolean plainSendIsDurable;

    /**
     * @param writers how many committer threads batch the messages that wait (when
     *     {@link #DIRECT_SENDERS} connections are already sending)
     * @param timeout how long a waiting caller waits for its commit before giving up (its sender
     *     resends); a caller sending its own message waits for the broker's call timeout instead
     */
    public InboundQueueWriter(ConnectionFactory factory, String queue, int writers, Duration timeout) {
        this(factory, null, queue, writers, timeout, OrderGroups.none(), null);
    }

    public InboundQueueWriter(ConnectionFactory factory, EmbeddedBrokerWriter embedded, String queue, int writers,
            Duration timeout, OrderGroups groups) {
        this(factory, embedded, queue, writers, timeout, groups, null);
    }

    /**
     * @param embedded the embedded broker's writer, or null when the broker is elsewhere
     * @param groups the delivery groups messages join ({@link OrderGroups})
     * @param seal seals the bodies (the embedded writer must then be one for sealed bodies), or null to send them
     *     as they are (tests of the writer alone)
     */
    public InboundQueueWriter(ConnectionFactory factory, EmbeddedBrokerWriter embedded, String queue, int writers,
            Duration timeout, OrderGroups groups, BrokerSeal seal) {
        this.seal = seal;
        this.factory = factory;
        this.groups = groups;
        this.embedded = embedded;
        this.queue = queue;
        this.address = SimpleString.of(queue);
        this.plainSendIsDurable = !(factory instanceof ActiveMQConnectionFactory artemis)
                || artemis.isBlockOnDurableSend();
        this.commits = new GroupCommit<>("inbound-writer", writers, DIRECT_SENDERS, MAX_BATCH_MESSAGES,
                MAX_BATCH_BYTES, outgoing -> outgoing.body().length, timeout, this::sendAll);
    }

    private record Outgoing(byte[] body, String metadata, String group, boolean sealed) {
    }

    private byte[] sealed(byte[] body) {
        return seal == null ? body : seal.seal(body);
    }

    /** A transacted session for batches and a plain one for a lone message, each with its producer. */
    private record Sender(Connection connection, Session session, MessageProducer producer, Session single,
            MessageProducer singleProducer) {

        void close() {
            closeQuietly(session);
            closeQuietly(single);
        }
    }

    /**
     * The ingest route's write step, asynchronous: the route goes on (to the acknowledgement) once
     * the broker has the message durably, on the thread that learnt it. Through the post office
     * that is the broker's thread, when the journal confirms, and the calling thread is free at
     * once; otherwise the blocking send runs on a thread of its own.
     */
    public AsyncProcessor asyncWriter() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return write(exchange, callback);
            }
        };
    }

    private boolean write(Exchange exchange, AsyncCallback callback) {
        byte[] raw = exchange.getIn().getBody(byte[].class);
        byte[] body;
        String packed;
        String group;
        try {
            packed = InboundMetadata.pack(exchange.getIn().getHeaders());
            group = groups.groupOf(raw, exchange.getIn().getHeaders());
            body = sealed(raw);
            if (embedded != null && embedded.fits(body.length, packed)) {
                embedded.sendAsync(address, body, METADATA, packed, group, failure -> {
                    if (failure != null) {
                        exchange.setException(failure);
                    }
                    callback.done(false);
                });
                return false;
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return blockingSends.run(exchange, callback, ex -> commits.submit(new Outgoing(body, packed, group,
                seal != null)));
    }

    /**
     * Sends a body with this metadata (its String, Number and Boolean entries); returns once the
     * broker has it durably.
     */
    public void write(byte[] raw, Map<String, ?> metadata) throws Exception {
        String packed = InboundMetadata.pack(metadata);
        String group = groups.groupOf(raw, metadata);
        byte[] body = sealed(raw);
        if (embedded != null && embedded.fits(body.length, packed)) {
            embedded.send(address, body, METADATA, packed, group);
        } else {
            commits.submit(new Outgoing(body, packed, group, seal != null));
        }
    }

    private List<Boolean> sendAll(List<Outgoing> batch) throws JMSException {
        Sender sender = sender();
        try {
            if (batch.size() == 1 && plainSendIsDurable) {
                sender.singleProducer().send(message(sender.single(), batch.get(0)));
            } else {
                for (Outgoing outgoing : batch) {
                    sender.producer().send(message(sender.session(), outgoing));
                }
                sender.session().commit();
            }
        } catch (JMSException | RuntimeException e) {
            open.remove(sender);
            sender.close();
            throw e;
        }
        idle.add(sender);
        return Collections.nCopies(batch.size(), Boolean.TRUE);
    }

    private static BytesMessage message(Session session, Outgoing outgoing) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(outgoing.body());
        message.setStringProperty(InboundMetadata.PROPERTY, outgoing.metadata());
        if (outgoing.sealed()) {
            message.setStringProperty(BrokerSeal.PROPERTY, BrokerSeal.sealedBytes());
        }
        if (outgoing.group() != null) {
            message.setStringProperty(OrderGroups.PROPERTY, outgoing.group());
        }
        return message;
    }

    /** An idle sender on the current connection, or a new one. */
    private Sender sender() throws JMSException {
        Sender sender;
        while ((sender = idle.poll()) != null) {
            if (sender.connection() == connection) {
                return sender;
            }
            open.remove(sender);
            sender.close();
        }
        Connection current = connection();
        Session session = current.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        Session single = current.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer singleProducer = single.createProducer(single.createQueue(queue));
        singleProducer.setDeliveryMode(DeliveryMode.PERSISTENT);
        sender = new Sender(current, session, producer, single, singleProducer);
        open.add(sender);
        return sender;
    }

    private synchronized Connection connection() throws JMSException {
        if (connection == null) {
            Connection created = factory.createConnection();
            created.setExceptionListener(e -> {
                LOG.warn("Connection to the broker failed ({}); it will be rebuilt on the next message", e.toString());
                resetConnection(created);
            });
            connection = created;
        }
        return connection;
    }

    private synchronized void resetConnection(Connection broken) {
        if (connection == broken) {
            connection = null;
            closeQuietly(broken);
        }
    }

    /** Commits what is waiting, then closes the sessions and the connection. */
    @Override
    public void close() {
        blockingSends.close();
        if (embedded != null) {
            embedded.close();
        }
        commits.close();
        open.forEach(Sender::close);
        open.clear();
        idle.clear();
        synchronized (this) {
            if (connection != null) {
                closeQuietly(connection);
                connection = null;
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing a broker resource failed: {}", e.toString());
        }
    }
}
