package org.harbour.routes.config;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.api.core.SimpleString;
import java.time.Duration;
import org.harbour.routes.RouteIds;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded broker: persistent journal with sync on every durable send (Artemis defaults,
 * stated here so nobody turns them off by accident), JMX for the console, broker-side
 * redelivery into harbour.dlq as the last line behind the stages' own error handling, and a
 * bounded memory: a backlog beyond {@code harbour.broker.max-memory} is paged to disk. Every
 * recipient's delivery queue exists from the start.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    @Bean
    ArtemisConfigurationCustomizer harbourBroker(
            @Value("${harbour.broker.journal-buffer-timeout:500us}") Duration journalBufferTimeout,
            @Value("${harbour.broker.max-memory:64MB}") org.springframework.util.unit.DataSize maxMemory,
            @Value("${harbour.broker.max-disk-usage:90}") int maxDiskUsage,
            @Value("${harbour.broker.name:localhost}") String name, HarbourProperties properties) {
        return configuration -> {
            destinationQueues(configuration, properties.recipients().keySet());
            // the broker's name, also in its JMX names (two brokers in one JVM need two names)
            configuration.setName(name);
            // a backlog is kept in the journal and, beyond this much memory for all addresses together, paged to disk:
            // Artemis's own default (half the heap) let a backlog of 20,000 messages take gigabytes of heap
            configuration.setGlobalMaxSize(maxMemory.toBytes());
            // above this share of the disk the broker takes no more messages (ingest answers AR before that: IngestGuard)
            configuration.setMaxDiskUsage(maxDiskUsage);
            // how long the journal gathers writes before one sync: the latency floor of a durable send
            configuration.setJournalBufferTimeout_NIO((int) journalBufferTimeout.toNanos());
            configuration.setJournalBufferTimeout_AIO((int) journalBufferTimeout.toNanos());
            configuration.setJMXManagementEnabled(true);
            configuration.setJournalSyncNonTransactional(true);
            configuration.setJournalSyncTransactional(true);
            configuration.setSecurityEnabled(false);
            AddressSettings stages = new AddressSettings()
                    .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.PAGE)
                    .setDeadLetterAddress(SimpleString.of(RouteIds.DEAD_LETTER_QUEUE))
                    .setMaxDeliveryAttempts(10)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2.0)
                    .setMaxRedeliveryDelay(60_000);
            configuration.addAddressSetting("harbour.#", stages);
            configuration.addAddressSetting(RouteIds.DEAD_LETTER_QUEUE,
                    new AddressSettings().setMaxDeliveryAttempts(-1));
        };
    }

    /**
     * Each recipient's delivery queue ({@code harbour.outbound.<id>}), made at start beside the hub's
     * own queues, so operators see every destination in the console before its first message.
     */
    static void destinationQueues(org.apache.activemq.artemis.core.config.Configuration configuration,
            java.util.Collection<String> recipients) {
        for (String id : new java.util.TreeSet<>(recipients)) {
            String queue = "harbour.outbound." + id;
            configuration.addQueueConfiguration(org.apache.activemq.artemis.api.core.QueueConfiguration.of(queue)
                    .setAddress(queue).setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST)
                    .setDurable(true));
        }
    }
}
