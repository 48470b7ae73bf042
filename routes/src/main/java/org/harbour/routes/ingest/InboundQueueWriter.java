package org.harbour.routes.ingest;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes received messages to the inbound queue with persistent, synchronous sends: when
 * {@link #write} returns, the broker has the message on disk.
 *
 * <p>Senders (a session and a producer bound to the queue) are pooled and reused, so a write is
 * one round trip to the broker: no per-message session, producer or destination look-up.
 * A sender that fails is discarded, and the connection is rebuilt when it broke.
 */
public class InboundQueueWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboundQueueWriter.class);

    private final ConnectionFactory factory;
    private final String queue;
    private final ConcurrentLinkedQueue<Sender> idle = new ConcurrentLinkedQueue<>();
    private volatile Connection connection;

    public InboundQueueWriter(ConnectionFactory factory, String queue) {
        this.factory = factory;
        this.queue = queue;
    }

    private record Sender(Connection connection, Session session, MessageProducer producer) {
    }

    /** Sends the exchange's body (bytes) with its headers as message properties. */
    public void write(Exchange exchange) throws JMSException {
        Sender sender = borrow();
        try {
            BytesMessage message = sender.session().createBytesMessage();
            message.writeBytes(exchange.getIn().getBody(byte[].class));
            for (Map.Entry<String, Object> header : exchange.getIn().getHeaders().entrySet()) {
                Object value = header.getValue();
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    message.setObjectProperty(header.getKey(), value);
                }
            }
            sender.producer().send(message);
        } catch (JMSException | RuntimeException e) {
            discard(sender);
            throw e;
        }
        idle.offer(sender);
    }

    private Sender borrow() throws JMSException {
        Sender sender;
        while ((sender = idle.poll()) != null) {
            if (sender.connection() == connection) {
                return sender;
            }
            closeQuietly(sender.session());
        }
        Connection current = connection();
        Session session = current.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return new Sender(current, session, producer);
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

    private void discard(Sender sender) {
        closeQuietly(sender.session());
    }

    @Override
    public synchronized void close() {
        Sender sender;
        while ((sender = idle.poll()) != null) {
            closeQuietly(sender.session());
        }
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
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
