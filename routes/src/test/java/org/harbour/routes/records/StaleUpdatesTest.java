package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.Headers;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.RouteIds;
import org.harbour.routes.store.MessageStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * Messages about one record applied out of order (concurrent consumers, a retry moved aside, a
 * redelivery after a crash) end in the state of the newest message the source sent: a stale
 * version (older by the source's own time, or a lower result status) is kept as history and
 * never becomes current.
 */
class StaleUpdatesTest extends HubTestSupport {

    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final LocalDateTime MORNING = LocalDateTime.of(2026, 12, 3, 8, 0);

    private void enqueue(String id, String sender, String controlId, String type, String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        jms.send(RouteIds.INBOUND_QUEUE, session -> {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(body);
            m.setStringProperty(Headers.MESSAGE_ID, id);
            m.setStringProperty(Headers.CONTROL_ID, controlId);
            m.setStringProperty(Headers.SENDER, sender);
            m.setStringProperty(Headers.SENDING_APPLICATION, "LIS");
            m.setStringProperty(Headers.MESSAGE_TYPE, type);
            m.setStringProperty(Headers.HL7_VERSION, "2.5.1");
            m.setStringProperty(Headers.CHARSET, "UTF-8");
            m.setStringProperty(MllpHeaders.RECEIVED_AT, java.time.Instant.now().toString());
            m.setStringProperty(MllpHeaders.LISTENER, "mllp");
            return m;
        });
    }

    private static String result(String sender, String controlId, int minutes, String hkid, String order, String value,
            String status) {
        String time = MORNING.plusMinutes(minutes).format(HL7_TIME) + "+0800";
        return "MSH|^~\\&|LIS|" + sender + "|HARBOUR|HUB|" + time + "||ORU^R01^ORU_R01|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||" + hkid + "^^^HKID^NNHKG||何^志明||19700101|M\r"
                + "OBR|1|" + order + "|F" + order + "|2345-7^Glucose^LN|||" + time + "\r"
                + "OBX|1|NM|2345-7^Glucose^LN||" + value + "|mmol/L|3.9-6.1||||" + status + "|||" + time + "\r";
    }

    /** The id of the Observation a result message brings. */
    static String observationId(String message) {
        Bundle bundle = new V2ToFhir(TranslatorSettings.defaults()).convert(message.getBytes(StandardCharsets.UTF_8))
                .bundle();
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Observation.class::isInstance).findFirst().orElseThrow().getIdElement().getIdPart();
    }

    private String observation(String id) {
        return text(getWithToken("/fhir/Observation/" + id));
    }

    private static String hkid(int n) {
        return Hkid.complete("S", String.format("%06d", n));
    }

    @Test
    void aPreliminaryArrivingAfterItsFinalDoesNotReplaceIt() {
        String sender = uniqueSender("QEH");
        String hkid = hkid(100_001);
        String fin = result(sender, "R-2", 60, hkid, "ORD-P1", "7.2", "F");
        String preliminary = result(sender, "R-1", 90, hkid, "ORD-P1", "6.8", "P");
        enqueue(MessageStore.newId(), sender, "R-2", "ORU^R01", fin);
        awaitStored(sender, 1);
        enqueue(MessageStore.newId(), sender, "R-1", "ORU^R01", preliminary);
        awaitStored(sender, 2);
        awaitInboundDrained();
        String id = observationId(fin);
        assertThat(observation(id)).contains("\"status\":\"final\"", "\"value\":7.2");
        // the preliminary is kept, as history
        assertThat(text(getWithToken("/fhir/Observation/" + id + "/_history"))).contains("\"value\":6.8");
    }

    @Test
    void anA08OlderThanTheStoredOneDoesNotWin() {
        String sender = uniqueSender("PYN");
        String hkid = hkid(100_002);
        String newer = "MSH|^~\\&|PAS|" + sender + "|HARBOUR|HUB|20261203100000+0800||ADT^A08^ADT_A01|A-2|P|2.5.1\r"
                + "EVN|A08|20261203100000+0800\r"
                + "PID|1||" + hkid + "^^^HKID^NNHKG||黃^美玲^^^^^L||19800202|F|||香港新界沙田大涌橋路30-32號\r"
                + "PV1|1|O\r";
        String older = newer.replace("|A-2|", "|A-1|").replace("20261203100000", "20261203080000")
                .replace("沙田大涌橋路30-32號", "九龍旺角弼街1號");
        enqueue(MessageStore.newId(), sender, "A-2", "ADT^A08", newer);
        awaitStored(sender, 1);
        enqueue(MessageStore.newId(), sender, "A-1", "ADT^A08", older);
        awaitStored(sender, 2);
        awaitInboundDrained();
        String patient = hubPatient(hkid);
        String current = text(getWithToken("/fhir/Patient/" + patient));
        // the hub Patient keeps what earlier messages knew (addresses are a union), newest first: the older
        // A08's address stays behind the newer one, exactly as had they arrived in order
        assertThat(current).contains("沙田大涌橋路");
        assertThat(current.indexOf("沙田大涌橋路")).as("the newer address is the first").isLessThan(
                current.indexOf("旺角弼街") < 0 ? Integer.MAX_VALUE : current.indexOf("旺角弼街"));
        assertThat(text(getWithToken("/fhir/Patient/" + patient + "/_history"))).contains("旺角弼街");
    }

    @Test
    void interleavedUpdatesWithRedeliveriesEndInTheStateOfTheLastMessageSent() {
        String sender = uniqueSender("UCH");
        int patients = 50;
        int updates = 20;
        List<String[]> messages = new ArrayList<>();
        List<String> last = new ArrayList<>();
        for (int p = 0; p < patients; p++) {
            for (int u = 0; u < updates; u++) {
                String controlId = "U-" + p + "-" + u;
                String message = result(sender, controlId, u * 5, hkid(200_000 + p), "ORD-" + p, p + "." + u, "F");
                messages.add(new String[] {MessageStore.newId(), controlId, message});
                if (u == updates - 1) {
                    last.add(message);
                }
            }
        }
        // applied in any order: shuffled, and a tenth of them delivered again afterwards (as after a crash)
        List<String[]> order = new ArrayList<>(messages);
        Collections.shuffle(order, new Random(20261203));
        order.addAll(order.subList(0, messages.size() / 10));
        for (String[] m : order) {
            enqueue(m[0], sender, m[1], "ORU^R01", m[2]);
        }
        awaitStored(sender, messages.size());
        awaitInboundDrained();
        for (int p = 0; p < patients; p++) {
            String expected = "\"value\":" + p + "." + (updates - 1);
            String id = observationId(last.get(p));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observation(id)).contains(expected));
        }
    }
}
