package org.harbour.routes.config;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.harbour.routes.RouteIds;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded broker: persistent journal with sync on every durable send (Artemis defaults,
 * stated here so nobody turns them off by accident), JMX for the console, and broker-side
 * redelivery into harbour.dlq as the last line behind the stages' own error handling.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    @Bean
    ArtemisConfigurationCustomizer harbourBroker() {
        return configuration -> {
            configuration.setJMXManagementEnabled(true);
            configuration.setJournalSyncNonTransactional(true);
            configuration.setJournalSyncTransactional(true);
            configuration.setSecurityEnabled(false);
            AddressSettings stages = new AddressSettings()
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
}
