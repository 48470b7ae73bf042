package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Acks;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.store.StoredMessage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

/**
 * A resend is the same key and the same content (MSH-7 aside); the key is sending application +
 * facility + control id (per listener). Another message under a key already used is a control-id
 * collision: acknowledged, stored and translated as its own message with its own resource ids,
 * flagged for operators. End to end over MLLP against the hub.
 */
class ControlIdCollisionTest extends HubTestSupport {

    /** A glucose result of the facility's laboratory (LIS) or radiology (RIS) system. */
    private static byte[] result(String application, String facility, String controlId, String time, String value) {
        return ("MSH|^~\\&|" + application + "|" + facility + "|HARBOUR|HUB|" + time + "||ORU^R01^ORU_R01|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||KWC-000777^^^" + facility + "^MR~C6688990^^^HKID^NNHKG||李^嘉欣||19781105|F\r"
                + "OBR|1|ORD-" + value + "|FIL-" + value + "|2345-7^Glucose^LN|||20261203083000+0800\r"
                + "OBX|1|NM|2345-7^Glucose^LN||" + value + "|mmol/L|3.9-6.1|N|||F|||20261203083000+0800\r")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String ack(MllpClient client, byte[] message) throws IOException {
        return Acks.parse(client.send(message)).code();
    }

    private List<StoredMessage> collisionsFrom(String facility) {
        return store.find(new org.harbour.routes.store.MessageQuery(null, facility, null, null, null, 0, 50, true));
    }

    private String provenanceId(byte[] message, String variant) {
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        Bundle bundle = variant == null ? translator.convert(message).bundle() : translator.convert(message, variant).bundle();
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Provenance.class::isInstance).findFirst().orElseThrow().getIdElement().getIdPart();
    }

    private double counter(String outcome) {
        var counter = meters.find("harbour.store.messages").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @org.springframework.beans.factory.annotation.Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void twoApplicationsOfOneFacilityWithOverlappingCountersAreBothStored() throws IOException {
        String facility = uniqueSender("KWC");
        try (MllpClient client = connect()) {
            assertThat(ack(client, result("LIS", facility, "1001", "20261203090000+0800", "5.6"))).isEqualTo("AA");
            assertThat(ack(client, result("RIS", facility, "1001", "20261203090000+0800", "5.6"))).isEqualTo("AA");
        }
        awaitStored(facility, 2);
        awaitInboundDrained();
        assertThat(storedFrom(facility)).extracting(StoredMessage::sendingApplication)
                .containsExactlyInAnyOrder("LIS", "RIS");
        assertThat(storedFrom(facility)).allSatisfy(m -> assertThat(m.translation()).isEqualTo("TRANSLATED"));
        assertThat(collisionsFrom(facility)).as("different keys: not even a collision").isEmpty();
    }

    @Test
    void aTrueResendWithANewMessageTimeIsStoredOnce() throws IOException {
        String facility = uniqueSender("QMH");
        try (MllpClient client = connect()) {
            assertThat(ack(client, result("LIS", facility, "2001", "20261203090000+0800", "6.2"))).isEqualTo("AA");
            assertThat(ack(client, result("LIS", facility, "2001", "20261203091500+0800", "6.2"))).isEqualTo("AA");
        }
        awaitStored(facility, 1);
        awaitInboundDrained();
        assertThat(storedFrom(facility)).hasSize(1);
    }

    @Test
    void anotherMessageUnderAUsedControlIdIsStoredAsItsOwnAndFlagged() throws IOException {
        String facility = uniqueSender("PWH");
        byte[] first = result("LIS", facility, "3001", "20261203090000+0800", "5.1");
        byte[] second = result("LIS", facility, "3001", "20261203100000+0800", "8.8");
        double collisionsBefore = counter("collision");
        try (MllpClient client = connect()) {
            assertThat(ack(client, first)).isEqualTo("AA");
            awaitStored(facility, 1);
            assertThat(ack(client, second)).isEqualTo("AA");
            // and the collision's own resend is recognised as such
            assertThat(ack(client, result("LIS", facility, "3001", "20261203103000+0800", "8.8"))).isEqualTo("AA");
        }
        awaitStored(facility, 2);
        awaitInboundDrained();
        List<StoredMessage> collisions = collisionsFrom(facility);
        assertThat(collisions).hasSize(1);
        StoredMessage collision = collisions.get(0);
        StoredMessage original = storedFrom(facility).stream().filter(m -> !m.id().equals(collision.id()))
                .findFirst().orElseThrow();
        assertThat(collision.collisionOf()).isEqualTo(original.id());
        assertThat(collision.resendKey()).isEqualTo("LIS|" + facility + "|3001");
        assertThat(collision.translation()).isEqualTo("TRANSLATED");
        assertThat(countFrom(facility)).isEqualTo(2);
        assertThat(counter("collision")).isEqualTo(collisionsBefore + 1);
        // each message's own resources under ids of their own: both provenances are in the record store
        String firstProvenance = provenanceId(first, null);
        String secondProvenance = provenanceId(second, "1");
        assertThat(secondProvenance).isNotEqualTo(firstProvenance).isNotEqualTo(provenanceId(second, null));
        assertThat(getWithToken("/fhir/Provenance/" + firstProvenance).statusCode()).isEqualTo(200);
        assertThat(getWithToken("/fhir/Provenance/" + secondProvenance).statusCode()).isEqualTo(200);
        assertThat(text(getWithToken("/api/messages?collision=true&sender=" + facility)))
                .contains("\"collisionOf\":\"" + original.id() + "\"");
        // audited as a collision
        await().atMost(Duration.ofSeconds(10)).until(() -> text(getWithToken(
                "/fhir/AuditEvent?subtype=control-id-collision&_count=200")).contains(collision.id()));
    }

    @Test
    void acrossTwoListenersTheKeyIsTheSameUnlessAListenerKeepsItsOwn() throws IOException {
        String facility = uniqueSender("TMH");
        byte[] first = result("LIS", facility, "4001", "20261203090000+0800", "4.4");
        try (MllpClient main = connect(); MllpClient lab = connect("lab"); MllpClient clinic = connect("clinic")) {
            assertThat(ack(main, first)).isEqualTo("AA");
            awaitStored(facility, 1);
            // the same message on the second port: a resend (same key and content)
            assertThat(ack(lab, result("LIS", facility, "4001", "20261203093000+0800", "4.4"))).isEqualTo("AA");
            // other content under the same key on the second port: a collision
            assertThat(ack(lab, result("LIS", facility, "4001", "20261203094000+0800", "9.9"))).isEqualTo("AA");
            // the clinic listener keys by listener too: the same message there is its own
            assertThat(ack(clinic, first)).isEqualTo("AA");
        }
        awaitStored(facility, 3);
        awaitInboundDrained();
        assertThat(countFrom(facility)).isEqualTo(3);
        assertThat(collisionsFrom(facility)).hasSize(1).first()
                .satisfies(m -> assertThat(m.listener()).isEqualTo("mllp-lab"));
        assertThat(storedFrom(facility)).extracting(StoredMessage::resendKey).containsExactlyInAnyOrder(
                "LIS|" + facility + "|4001", "LIS|" + facility + "|4001", "mllp-clinic|LIS|" + facility + "|4001");
    }
}
