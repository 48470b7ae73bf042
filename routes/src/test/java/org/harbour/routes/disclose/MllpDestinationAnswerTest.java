package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.harbour.connectors.chat.SendResult;
import org.harbour.mappings.v2out.FhirToV2;
import org.harbour.routes.config.HarbourProperties;
import org.junit.jupiter.api.Test;

/** What each acknowledgement from a system destination means for the delivery. */
class MllpDestinationAnswerTest {

    private static MllpDestination destination(boolean retryOnAe) {
        return new MllpDestination("kwc-emr", new HarbourProperties.Endpoint("mllp", null, null, "minimum", "127.0.0.1",
                2575, "2.5.1", "UTF-8", Duration.ofSeconds(5), retryOnAe, null), FhirToV2.Settings.defaults());
    }

    private static String ack(String code, String controlId, String text) {
        return "MSH|^~\\&|EMR|KWC|HARBOUR|HUB|20261203100000+0800||ACK^R01^ACK|A1|P|2.5.1\rMSA|" + code + "|" + controlId
                + "|" + text + "\rERR|||207^Application internal error^HL70357|E\r";
    }

    @Test
    void acceptedRefusedAndRetried() {
        MllpDestination d = destination(false);
        assertThat(d.answer("HBR1", ack("AA", "HBR1", ""))).isEqualTo(new SendResult.Delivered(200, "AA HBR1"));
        assertThat(d.answer("HBR1", ack("CA", "HBR1", ""))).isInstanceOf(SendResult.Delivered.class);
        assertThat(d.answer("HBR1", ack("AE", "HBR1", "unknown test code"))).isInstanceOfSatisfying(
                SendResult.Refused.class, r -> assertThat(r.reason()).contains("kwc-emr answered AE: unknown test code",
                        "207^Application internal error"));
        assertThat(d.answer("HBR1", ack("AR", "HBR1", "no such patient"))).isInstanceOf(SendResult.Refused.class);
        assertThat(destination(true).answer("HBR1", ack("AE", "HBR1", "busy"))).isInstanceOf(SendResult.RetryLater.class);
        // an answer to another message, or no answer at all: not taken as this one's
        assertThat(d.answer("HBR1", ack("AA", "HBR0", ""))).isInstanceOf(SendResult.RetryLater.class);
        assertThat(d.answer("HBR1", "MSH|^~\\&|EMR\r")).isInstanceOf(SendResult.RetryLater.class);
    }

    @Test
    void theControlIdIsTheSameForEveryAttemptAtADelivery() {
        assertThat(MllpDestination.controlId("9cda41ea-66b0-3be5-8a1f-000000000001"))
                .isEqualTo(MllpDestination.controlId("9cda41ea-66b0-3be5-8a1f-000000000001"))
                .startsWith("HBR").hasSizeLessThanOrEqualTo(20);
    }

    @Test
    void aSystemDestinationNeedsItsHostPortAndInstitution() {
        HarbourProperties.Endpoint noPort = new HarbourProperties.Endpoint("mllp", null, null, "minimum", "emr.kwc",
                null, "2.5.1", "UTF-8", Duration.ofSeconds(5), false, null);
        assertThatThrownBy(() -> new Recipients(Map.of("kwc-emr", new HarbourProperties.Recipient("EMR", "kwc-clinic",
                noPort, null, null, null)), null, java.time.Clock.systemUTC()))
                .hasMessageContaining("harbour.recipients.kwc-emr.endpoint.host and .endpoint.port");
        HarbourProperties.Endpoint big5 = new HarbourProperties.Endpoint("mllp", null, null, "minimum", "emr.kwc", 2575,
                "2.4", "UTF-8", Duration.ofSeconds(5), false, null);
        assertThatThrownBy(() -> new Recipients(Map.of("kwc-emr", new HarbourProperties.Recipient("EMR", "kwc-clinic",
                big5, null, null, null)), null, java.time.Clock.systemUTC()))
                .hasMessageContaining("hl7-version must be 2.5.1 or 2.3.1");
    }
}
