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
 * A message on harbour.inbound whose translation fails is stored all the same, with the reason in
 * its conversion report (translation FAILED), and is neither retried (it would fail the same way)
 * nor dead-lettered: every message that got AA ends in the message store.
 */
class UntranslatableMessageTest extends HubTestSupport {

    @Test
    void aMessageWhoseTranslationFailsIsStoredWithTheReasonAndNotDeadLettered() throws Exception {
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

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> storedFrom(sender).size() == 1
                && "FAILED".equals(storedFrom(sender).get(0).translation()));
        StoredMessage stored = storedFrom(sender).get(0);
        assertThat(stored.id()).isEqualTo(id);
        assertThat(stored.status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(stored.resources()).isZero();
        String report = text(getWithToken("/api/messages/" + id + "/report"));
        assertThat(stored.stage()).isEqualTo(StoredMessage.Stage.TRANSLATION_FAILED);
        assertThat(report).startsWith("# message " + id + " (FHIR^Bundle, control id BF-1): stage TRANSLATION_FAILED,"
                + " translation FAILED, 0 resources; 1 errors").contains("\nERROR translation failed");
        awaitInboundDrained();
        Boolean deadLettered = jms.browse(RouteIds.DEAD_LETTER_QUEUE, (session, browser) -> {
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                if (id.equals(((jakarta.jms.Message) messages.nextElement()).getStringProperty(Headers.MESSAGE_ID))) {
                    return true;
                }
            }
            return false;
        });
        assertThat(deadLettered).as("not dead-lettered").isFalse();
    }
}
