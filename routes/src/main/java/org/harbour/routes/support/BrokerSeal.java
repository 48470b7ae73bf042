package org.harbour.routes.support;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import org.harbour.routes.records.RecordCipher;
import org.springframework.jms.support.converter.MessageConversionException;
import org.springframework.jms.support.converter.MessageConverter;
import org.springframework.jms.support.converter.SimpleMessageConverter;

/**
 * Bodies on the broker are ciphertext: every message the hub sends (raw messages on
 * harbour.inbound, record Bundles on harbour.records, deliveries on harbour.outbound.*, and
 * with them every retry and dead-letter copy) is sealed with the record store's keys
 * ({@link RecordCipher}), so the broker's journal, paging and large-message files never hold
 * patient data in clear. Properties stay readable for routing and operations: they carry ids,
 * codes and reasons without patient data.
 *
 * <p>Set as the JMS component's message converter, so Camel's JMS endpoints seal what they send
 * and open what they receive. A sealed message is a BytesMessage with {@link #PROPERTY} saying
 * what the body was ({@code bytes} or {@code text}); a message without it (sent before bodies
 * were sealed, or by a tool) is read as Spring's plain converter reads it.
 */
public final class BrokerSeal implements MessageConverter {

    /** The property a sealed message carries: what its opened body is. */
    public static final String PROPERTY = "HarbourSealed";
    /** Associated data of every broker body: a body moves between queues (retries, dead letters). */
    static final String ASSOCIATED = "harbour-broker-body";
    private static final String BYTES = "bytes";
    private static final String TEXT = "text";

    private final RecordCipher cipher;
    private final SimpleMessageConverter plain = new SimpleMessageConverter();

    public BrokerSeal(RecordCipher cipher) {
        this.cipher = cipher;
    }

    /** The sealed form of a body, as {@link #toMessage} writes it (for writers that build their own messages). */
    public byte[] seal(byte[] body) {
        return cipher.encrypt(body, ASSOCIATED);
    }

    /** The value of {@link #PROPERTY} for a body sealed by {@link #seal(byte[])}. */
    public static String sealedBytes() {
        return BYTES;
    }

    @Override
    public Message toMessage(Object object, Session session) throws JMSException {
        if (object instanceof Message message) {
            return message;
        }
        byte[] body;
        String kind;
        if (object instanceof byte[] bytes) {
            body = bytes;
            kind = BYTES;
        } else if (object instanceof String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
            kind = TEXT;
        } else if (object == null) {
            body = new byte[0];
            kind = BYTES;
        } else {
            throw new MessageConversionException("the hub sends bytes or text on the broker, not "
                    + object.getClass().getName());
        }
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(cipher.encrypt(body, ASSOCIATED));
        message.setStringProperty(PROPERTY, kind);
        return message;
    }

    @Override
    public Object fromMessage(Message message) throws JMSException {
        String kind = message.getStringProperty(PROPERTY);
        if (kind == null) {
            return plain.fromMessage(message);
        }
        if (!(message instanceof BytesMessage bytes)) {
            throw new MessageConversionException("a sealed message must be a BytesMessage");
        }
        byte[] sealed = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(sealed);
        byte[] body = open(sealed);
        return TEXT.equals(kind) ? new String(body, StandardCharsets.UTF_8) : body;
    }

    /** Opens a sealed body. */
    public byte[] open(byte[] sealed) {
        return cipher.decrypt(sealed, ASSOCIATED);
    }
}
