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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.harbour.routes.support.GroupCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes received messages to the inbound queue durably, with group commit: when {@link #write}
 * returns, the broker has committed the message to its journal.
 *
 * <p>Connection threads hand their message over and wait; a committer sends everything waiting
 * in one JMS transaction and commits once ({@link GroupCommit}). Under load many messages share
 * one commit and one journal sync; a lone message is committed at once. A failed commit fails
 * its messages (none is acknowledged AA, so the senders resend) and the committer's session is
 * rebuilt, with the connection when that broke.
 */
public class InboundQueueWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundQueueWriter.class);
    private static final int MAX_BATCH_MESSAGES = 512;
    private static final long MAX_BATCH_BYTES = 8L << 20;

    private final ConnectionFactory factory;
    private final String queue;
    private final GroupCommit<Outgoing, Boolean> commits;
    private final ThreadLocal<Sender> senders = new ThreadLocal<>();
    private final Set<Sender> open = ConcurrentHashMap.newKeySet();
    private volatile Connection connection;

    /**
     * @param writers how many batches may be in flight at once
     * @param timeout how long a caller waits for its commit before giving up (its sender resends)
     */
    public InboundQueueWriter(ConnectionFactory factory, String queue, int writers, Duration timeout) {
        this.factory = factory;
        this.queue = queue;
        this.commits = new GroupCommit<>("inbound-writer", writers, MAX_BATCH_MESSAGES, MAX_BATCH_BYTES,
                outgoing -> outgoing.body().length, timeout, this::sendAll);
    }

    private record Outgoing(byte[] body, Map<String, Object> properties) {
    }

    private record Sender(Connection connection, Session session, MessageProducer producer) {
    }

    /** Sends the exchange's body (bytes) with its simple headers as message properties. */
    public void write(Exchange exchange) throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Map.Entry<String, Object> header : exchange.getIn().getHeaders().entrySet()) {
            Object value = header.getValue();
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                properties.put(header.getKey(), value);
            }
        }
        write(exchange.getIn().getBody(byte[].class), properties);
    }

    /** Sends a body with these message properties; returns once the broker committed it. */
    public void write(byte[] body, Map<String, Object> properties) throws Exception {
        commits.submit(new Outgoing(body, Map.copyOf(properties)));
    }

    private List<Boolean> sendAll(List<Outgoing> batch) throws JMSException {
        Sender sender = sender();
        try {
            for (Outgoing outgoing : batch) {
                BytesMessage message = sender.session().createBytesMessage();
                message.writeBytes(outgoing.body());
                for (Map.Entry<String, Object> property : outgoing.properties().entrySet()) {
                    message.setObjectProperty(property.getKey(), property.getValue());
                }
                sender.producer().send(message);
            }
            sender.session().commit();
        } catch (JMSException | RuntimeException e) {
            senders.remove();
            open.remove(sender);
            closeQuietly(sender.session());
            throw e;
        }
        return Collections.nCopies(batch.size(), Boolean.TRUE);
    }

    private Sender sender() throws JMSException {
        Sender sender = senders.get();
        if (sender != null && sender.connection() == connection) {
            return sender;
        }
        if (sender != null) {
            open.remove(sender);
            closeQuietly(sender.session());
        }
        Connection current = connection();
        Session session = current.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        sender = new Sender(current, session, producer);
        senders.set(sender);
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
        commits.close();
        open.forEach(sender -> closeQuietly(sender.session()));
        open.clear();
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
