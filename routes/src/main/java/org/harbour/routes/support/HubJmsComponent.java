package org.harbour.routes.support;

import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.EndpointMessageListener;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.component.jms.JmsQueueEndpoint;
import org.apache.camel.component.jms.QueueBrowseStrategy;
import org.apache.camel.trait.message.MessageTrait;
import org.apache.camel.trait.message.RedeliveryTraitPayload;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * The hub's JMS component: Camel's, except that a message received from the broker is copied
 * without an exception.
 *
 * <p>Camel copies an exchange at every route step that may be redelivered, and a JMS message
 * copies itself through a new, empty one whose constructor asks the absent broker message
 * whether it was redelivered, and catches the NullPointerException. That was about four
 * exceptions a message in the stages, each one deoptimising the compiled code that raised it
 * (measured: about 900 deoptimisations a second at 130 messages a second). Here the empty copy
 * says "redelivery unknown" without asking, as Camel's answer to the exception does.
 */
public class HubJmsComponent extends JmsComponent {

    @Override
    protected JmsEndpoint createQueueEndpoint(String uri, JmsComponent component, String subject,
            JmsConfiguration configuration, QueueBrowseStrategy browse) {
        return new JmsQueueEndpoint(uri, component, subject, configuration, browse) {
            @Override
            public JmsConsumer createConsumer(Processor processor, AbstractMessageListenerContainer container)
                    throws Exception {
                return listening(this, super.createConsumer(processor, container), processor, container);
            }
        };
    }

    @Override
    protected JmsEndpoint createTopicEndpoint(String uri, JmsComponent component, String subject,
            JmsConfiguration configuration) {
        return new JmsEndpoint(uri, component, subject, true, configuration) {
            @Override
            public JmsConsumer createConsumer(Processor processor, AbstractMessageListenerContainer container)
                    throws Exception {
                return listening(this, super.createConsumer(processor, container), processor, container);
            }
        };
    }

    /**
     * The consumer, its listener container now handing messages to a listener that makes the
     * hub's messages (set up as Camel sets up its own). A consumer restarted later gets Camel's
     * listener again: slower copies, same behaviour.
     */
    private static JmsConsumer listening(JmsEndpoint endpoint, JmsConsumer consumer, Processor processor,
            AbstractMessageListenerContainer container) {
        EndpointMessageListener listener = new EndpointMessageListener(consumer, endpoint, processor) {
            @Override
            public Exchange createExchange(Message message, Session session, Object replyDestination) {
                Exchange exchange = super.createExchange(message, session, replyDestination);
                exchange.setIn(new CopyableJmsMessage(exchange, message, session, getBinding()));
                return exchange;
            }
        };
        endpoint.getConfiguration().configureMessageListener(listener);
        listener.setBinding(endpoint.getBinding());
        listener.setAsync(endpoint.getConfiguration().isAsyncConsumer());
        container.setMessageListener(listener);
        return consumer;
    }

    /** A received JMS message whose copies start empty without asking a missing broker message anything. */
    static final class CopyableJmsMessage extends JmsMessage {

        CopyableJmsMessage(Exchange exchange, Message message, Session session, JmsBinding binding) {
            super(exchange, message, session, binding);
        }

        @Override
        public void setJmsMessage(Message message) {
            if (message == null && getJmsMessage() == null) {
                // what Camel's own lookup ends in for no message, without its exception
                setPayloadForTrait(MessageTrait.REDELIVERY, RedeliveryTraitPayload.UNDEFINED_REDELIVERY);
                return;
            }
            super.setJmsMessage(message);
        }

        @Override
        public JmsMessage newInstance() {
            CopyableJmsMessage copy = new CopyableJmsMessage(null, null, null, getBinding());
            copy.setCamelContext(getCamelContext());
            return copy;
        }
    }
}
