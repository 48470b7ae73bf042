package org.harbour.routes.store;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.BytesMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.harbour.routes.Headers;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.RouteIds;
import org.junit.jupiter.api.Test;

/**
 * A message on harbour.inbound whose translation fails is still recorded in the message store
 * (translation and store records share one transaction, which a failed translation never
 * reaches), and after its retries goes to the dead-letter queue with the reason.
 */
class UntranslatableMessageTest extends HubTestSupport {

    @Test
    void aMessageWhoseTranslationFailsIsStoredAndDeadLettered() throws Exception {
        String sender = uniqueSender("BADFHIR");
        String id = MessageStore.newId();
        jms.send(RouteIds.INBOUND_QUEUE, session -> {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes("{\"resourceType\":\"Bundle\",\"entry\":[".getBytes(StandardCharsets.UTF_8));
            m.setStringProperty(Headers.MESSAGE_ID, id);
            m.setStringProperty(Headers.CONTROL_ID, "BF-1");
            m.setStringProperty(Headers.SENDER, sender);
            m.setStringProperty(Headers.MESSAGE_TYPE, "FHIR^Bundle");
            return m;
        });

        jms.setReceiveTimeout(30_000);
        jakarta.jms.Message dead = jms.receiveSelected(RouteIds.DEAD_LETTER_QUEUE,
                Headers.MESSAGE_ID + " = '" + id + "'");
        assertThat(dead).as("dead-lettered after its retries").isNotNull();
        assertThat(dead.getStringProperty(Headers.FAILURE_REASON)).isNotBlank();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> storedFrom(sender).size() == 1);
        assertThat(storedFrom(sender).get(0).id()).isEqualTo(id);
        assertThat(storedFrom(sender).get(0).status()).isEqualTo(MessageStatus.RECEIVED);
    }
}
