package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.UUID;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.store.StoredMessage;
import org.junit.jupiter.api.Test;

/**
 * Envelopes in Chinese, in UTF-8 and in Big5 (where 院 ends in the byte of '|'): the ACK gives the
 * sender back its own control id, and the message store keeps control id, sending application and
 * facility as the text the sender wrote, so operators find the message by them.
 */
class NonAsciiEnvelopeTest extends HubTestSupport {

    private static String message(String facility, String controlId, String msh18) {
        return "MSH|^~\\&|化驗系統|" + facility + "|HARBOUR|HUB|20261203101500+0800||ADT^A08^ADT_A01|" + controlId
                + "|P|2.5.1|||||HKG|" + msh18 + "\r"
                + "EVN|A08|20261203101500+0800\r"
                + "PID|1||A1234563^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r";
    }

    @Test
    void chineseControlIdsAndFacilitiesAreEchoedAndStoredAsWritten() throws IOException {
        for (String[] variant : new String[][] {{"UTF-8", "UNICODE UTF-8"}, {"Big5", "BIG-5"}}) {
            Charset charset = Charset.forName(variant[0]);
            String facility = "廣華醫院" + UUID.randomUUID().toString().substring(0, 6);
            String controlId = "化驗院-" + variant[0];
            byte[] sent = message(facility, controlId, variant[1]).getBytes(charset);
            byte[] answer;
            try (MllpClient client = connect()) {
                answer = client.send(sent);
            }
            Acks ack = Acks.parse(answer, charset);
            assertThat(ack.code()).as(variant[0]).isEqualTo("AA");
            assertThat(ack.msa()).as(variant[0]).isEqualTo("MSA|AA|" + controlId);

            awaitStored(facility, 1);
            StoredMessage stored = storedFrom(facility).get(0);
            assertThat(stored.controlId()).as(variant[0]).isEqualTo(controlId);
            assertThat(stored.sender()).isEqualTo(facility);
            assertThat(stored.sendingApplication()).isEqualTo("化驗系統");
        }
    }
}
