package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.junit.jupiter.api.Test;

/** The embedded broker makes every recipient's delivery queue at start, durable and point-to-point. */
class BrokerConfigurationTest {

    @Test
    void eachRecipientHasItsQueueFromTheStart() {
        ConfigurationImpl configuration = new ConfigurationImpl();
        BrokerConfiguration.destinationQueues(configuration, Set.of("dr-chan", "qeh-lis"));
        assertThat(configuration.getQueueConfigs()).extracting(q -> q.getName().toString())
                .containsExactly("harbour.outbound.dr-chan", "harbour.outbound.qeh-lis");
        QueueConfiguration first = configuration.getQueueConfigs().get(0);
        assertThat(first.getRoutingType()).isEqualTo(RoutingType.ANYCAST);
        assertThat(first.isDurable()).isTrue();
        assertThat(first.getAddress().toString()).isEqualTo("harbour.outbound.dr-chan");
    }
}
