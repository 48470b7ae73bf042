package org.harbour.routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages received through the hub's JMS component are copied (as every redeliverable route
 * step does) without asking an absent broker message anything, and otherwise behave as Camel's.
 */
class HubJmsComponentTest {

    private DefaultCamelContext camel;

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        camel.addComponent("jms", new HubJmsComponent());
        camel.addComponent("camels", new org.apache.camel.component.jms.JmsComponent());
        // a connection factory that is never asked for anything: consumers are created, not started
        camel.getRegistry().bind("broker", Proxy.newProxyInstance(HubJmsComponentTest.class.getClassLoader(),
                new Class<?>[] {jakarta.jms.ConnectionFactory.class}, (proxy, method, args) -> null));

        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    /** A broker's text message; any question about redelivery or an absent property is answered, nothing else. */
    private static TextMessage received(boolean redelivered) {
        Map<String, Object> answers = Map.of("getText", "MSH|^~\\&|KWC", "getJMSRedelivered", redelivered,
                "getJMSMessageID", "ID:harbour-1", "getJMSTimestamp", 0L, "getJMSDeliveryMode", 2,
                "getJMSPriority", 4, "getJMSExpiration", 0L, "getPropertyNames",
                Collections.enumeration(java.util.List.of("HarbourMessageId")), "getObjectProperty", "m-1");
        return (TextMessage) Proxy.newProxyInstance(HubJmsComponentTest.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getObjectProperty") && !"HarbourMessageId".equals(args[0])) {
                        return null;
                    }
                    return answers.getOrDefault(method.getName(),
                            method.getReturnType() == boolean.class ? Boolean.FALSE : null);
                });
    }

    /** The exchange a consumer of {@code uri} makes of a message the broker hands it. */
    private Exchange consumed(String uri, Message jms) throws Exception {
        org.apache.camel.component.jms.JmsConsumer consumer = camel.getEndpoint(uri + "?connectionFactory=#broker",
                JmsEndpoint.class).createConsumer(exchange -> { });
        Object listener = consumer.getListenerContainer().getMessageListener();
        assertThat(listener).isInstanceOf(org.apache.camel.component.jms.EndpointMessageListener.class);
        return ((org.apache.camel.component.jms.EndpointMessageListener) listener).createExchange(jms, null, null);
    }

    @Test
    void queueAndTopicMessagesCopyAsTheHubsOwnKeepingBodyHeadersAndTheBrokerMessage() throws Exception {
        for (String uri : new String[] {"jms:queue:harbour.inbound", "jms:topic:harbour.records"}) {
            Message jms = received(true);
            Exchange exchange = consumed(uri, jms);
            assertThat(exchange.getIn()).isInstanceOf(HubJmsComponent.CopyableJmsMessage.class);
            assertThat(exchange.getIn().getBody(String.class)).isEqualTo("MSH|^~\\&|KWC");
            assertThat(exchange.isExternalRedelivered()).as("the broker's redelivered flag still counts").isTrue();
            assertThat(consumed(uri, received(false)).isExternalRedelivered()).isFalse();

            Exchange copy = exchange.copy();

            assertThat(copy.getIn()).isInstanceOf(HubJmsComponent.CopyableJmsMessage.class);
            assertThat(copy.getIn().getBody(String.class)).isEqualTo("MSH|^~\\&|KWC");
            assertThat(copy.getIn().getHeader("HarbourMessageId")).isEqualTo("m-1");
            assertThat(((JmsMessage) copy.getIn()).getJmsMessage()).isSameAs(jms);
            Exchange camels = camel.getEndpoint(uri.replace("jms:", "camels:"), JmsEndpoint.class).createExchange(jms, null)
                    .copy();
            assertThat(copy.isExternalRedelivered()).as("as a copy of Camel's own").isEqualTo(camels.isExternalRedelivered());
        }
    }

    @Test
    void anEmptyCopyAsksNothingAndSaysRedeliveryIsUnknown() throws Exception {
        JmsMessage original = (JmsMessage) consumed("jms:queue:harbour.inbound", received(false)).getIn();

        JmsMessage empty = original.newInstance();

        assertThat(empty).isInstanceOf(HubJmsComponent.CopyableJmsMessage.class);
        assertThat(empty.getJmsMessage()).isNull();
        assertThat(empty.getPayloadForTrait(org.apache.camel.trait.message.MessageTrait.REDELIVERY))
                .isEqualTo(org.apache.camel.trait.message.RedeliveryTraitPayload.UNDEFINED_REDELIVERY);
    }
}
