package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.harbour.routes.Hl7Samples;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A clinic EMR that speaks only HL7 v2 receives the hospital's lab results over MLLP, as its
 * patient's consent allows. The receiver is HAPI's own MLLP server (nobody here wrote it), which
 * parses every message with HAPI's parser: it answers AA, AR for a patient it refuses, and once
 * holds its answer past the hub's ACK timeout. Every permitted result arrives, in order, none
 * twice under different control ids; the refused one is dead-lettered with the receiver's text;
 * each delivery is audited as a disclosure.
 */
class MllpDestinationTest extends DestinationTestSupport {

    private static final int PORT = freePort();
    private static final java.nio.file.Path FOLDER = folder();

    private static java.nio.file.Path folder() {
        try {
            return java.nio.file.Files.createTempDirectory("harbour-outbox-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
    private static final Receiver EMR = new Receiver();
    private static final HL7Service SERVER = start();

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HL7Service start() {
        HapiContext hapi = new DefaultHapiContext();
        // the EMR reads each message in the charset its MSH-18 names, as a Hong Kong EMR must
        hapi.setLowerLayerProtocol(new ca.uhn.hl7v2.llp.MinLowerLayerProtocol(true));
        // its ACKs' control ids from memory: HAPI's default keeps a counter file in the working directory
        hapi.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
        HL7Service server = hapi.newServer(PORT, false);
        server.registerApplication("*", "*", EMR);
        try {
            server.startAndWait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return server;
    }

    @AfterAll
    static void stop() {
        SERVER.stopAndWait();
    }

    /** The EMR: keeps what it parsed; refuses patients whose family name is REFUSED; can hold one answer. */
    static final class Receiver implements ReceivingApplication<Message> {
        final List<Message> received = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold;

        @Override
        public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
            received.add(message);
            CountDownLatch latch = hold;
            if (latch != null) {
                hold = null;
                try {
                    // past the hub's ACK timeout: it must give up on this answer and send again
                    latch.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                if (message.encode().contains("|REFUSED^") || message.encode().contains("~REFUSED^")) {
                    return message.generateACK(AcknowledgmentCode.AR, new HL7Exception("patient not registered here"));
                }
                return message.generateACK();
            } catch (IOException e) {
                throw new HL7Exception(e);
            }
        }

        @Override
        public boolean canProcess(Message message) {
            return true;
        }

        List<String> about(String hkidStart) throws HL7Exception {
            List<String> out = new java.util.ArrayList<>();
            for (Message m : received) {
                String encoded = m.encode();
                if (encoded.contains(hkidStart)) {
                    out.add(encoded);
                }
            }
            return out;
        }
    }

    @DynamicPropertySource
    static void destination(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "mllp-destination-test");
        String at = "harbour.recipients.kwc-emr.";
        registry.add(at + "name", () -> "廣華醫院化驗室 clinic EMR");
        registry.add(at + "organization", () -> "kwc-clinic");
        registry.add(at + "endpoint.type", () -> "mllp");
        registry.add(at + "endpoint.host", () -> "127.0.0.1");
        registry.add(at + "endpoint.port", () -> PORT);
        registry.add(at + "endpoint.ack-timeout", () -> "1s");
        // routing, before consent: only results from QMH's lab go to this EMR
        registry.add(at + "filters.senders", () -> "QMH");
        registry.add(at + "filters.resource-types", () -> "Observation,DiagnosticReport");
        // and a folder another clinic's system collects files from
        registry.add("harbour.recipients.kwc-files.organization", () -> "kwc-files");
        registry.add("harbour.recipients.kwc-files.endpoint.type", () -> "file");
        registry.add("harbour.recipients.kwc-files.endpoint.path", () -> FOLDER.toString());
        registry.add("harbour.recipients.kwc-files.endpoint.charset", () -> "Big5");
        registry.add("harbour.delivery.initial-delay", () -> "50ms");
        registry.add("harbour.delivery.maximum-delay", () -> "200ms");
        registry.add("harbour.delivery.maximum-attempts", () -> "20");
    }

    private String patientWithConsent(int n, String family) throws Exception {
        return patientWithConsent("QMH", n, family, "emr", "Organization/kwc-clinic");
    }

    /** An HKID as the hub writes it in PID-3: the check digit in brackets. */
    private static String written(String hkid) {
        return hkid.substring(0, hkid.length() - 1) + "(" + hkid.charAt(hkid.length() - 1) + ")";
    }

    @Test
    void theConsentedResultsArriveAsHl7v2InOrderAndTheEmrParsesThem() throws Exception {
        int n = 501001;
        String patient = patientWithConsent(n, "陳");
        String shown = written(Hl7Samples.hkidOf(n));
        for (int i = 1; i <= 3; i++) {
            send(Hl7Samples.potassium("QMH", "M" + n + "-" + i, n, "5." + i, "H"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> EMR.about(shown).size() >= 3);
        List<String> arrived = EMR.about(shown);
        // the EMR got ORU^R01 2.5.1 with the patient's HKID and each potassium, in the order they were sent
        assertThat(arrived).allSatisfy(m -> assertThat(m).contains("|ORU^R01^ORU_R01|", "|2.5.1",
                shown + "^^^HKID^NNHKG", "陳^大文^^^^^L^I", "2823-3^Potassium"));
        List<String> values = arrived.stream().map(m -> m.replaceAll("(?s).*OBX\\|1\\|NM\\|[^|]*\\|\\|([^|]*)\\|.*", "$1"))
                .toList();
        assertThat(values).containsSubsequence("5.1", "5.2", "5.3");
        await().atMost(Duration.ofSeconds(10)).until(() -> audited(patient, "disclosed").size() >= 3);
        assertThat(audited(patient, "disclosed")).allSatisfy(e -> assertThat(e.getOutcomeDesc())
                .contains("permit: Consent/emr-" + n, "delivered as HL7 v2, AA HBR"));
        assertThat(text(getWithToken("/api/recipients"))).contains("\"kwc-emr\"");
    }

    @Test
    void anAnswerPastTheTimeoutIsSentAgainWithTheSameControlId() throws Exception {
        int n = 501002;
        String patient = patientWithConsent(n, "李");
        String shown = written(Hl7Samples.hkidOf(n));
        CountDownLatch release = new CountDownLatch(1);
        EMR.hold = release;
        try {
            send(Hl7Samples.potassium("QMH", "M" + n + "-1", n, "6.1", "HH"));
            await().atMost(Duration.ofSeconds(30)).until(() -> EMR.about(shown).size() >= 2);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> audited(patient, "disclosed").size() == 1);
        List<String> arrived = EMR.about(shown);
        List<String> controlIds = arrived.stream().map(m -> m.split("\\|", 11)[9]).distinct().toList();
        // a receiver that deduplicates by MSH-10 files it once
        assertThat(controlIds).hasSize(1);
    }

    @Test
    void aFileDestinationGetsOneWholeFilePerDeliveryInItsCharset() throws Exception {
        int n = 501005;
        send(Hl7Samples.potassium("QMH", "M" + n + "-0", n, "3.9", "N"));
        String patient = hubPatient(Hl7Samples.hkidOf(n));
        assertThat(sendJson("PUT", "/fhir/Consent/files-" + n, DeliveryTest.consent("files-" + n, patient, "active",
                "Organization/kwc-files", DeliveryTest.LAB)).statusCode()).isEqualTo(201);
        send(Hl7Samples.potassium("QMH", "M" + n + "-1", n, "5.9", "H"));
        await().atMost(Duration.ofSeconds(30)).until(() -> audited(patient, "disclosed").stream()
                .anyMatch(e -> e.getOutcomeDesc().contains("written HBR")));
        List<java.nio.file.Path> files;
        try (var listing = java.nio.file.Files.list(FOLDER)) {
            files = listing.toList();
        }
        // no temporary file left, each a whole message HAPI parses, in Big5 as MSH-18 says
        assertThat(files).allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("HBR").endsWith(".hl7"));
        String written = files.stream().map(f -> {
            try {
                return new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.Charset.forName("Big5-HKSCS"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(t -> t.contains("|5.9|")).findFirst().orElseThrow();
        assertThat(written).contains("|BIG-5", "陳^大文^^^^^L^I");
        new DefaultHapiContext().getPipeParser().parse(written);
    }

    @Test
    void aResultFromASenderTheFiltersLeaveOutIsNotSent() throws Exception {
        int n = 501004;
        patientWithConsent(n, "何");
        var disclose = camel.getCamelContextExtension().getContextPlugin(
                org.apache.camel.api.management.ManagedCamelContext.class).getManagedRoute(org.harbour.routes.RouteIds.DISCLOSE);
        long before = disclose.getExchangesCompleted();
        send(Hl7Samples.potassium("PWH", "M" + n + "-1", n, "4.4", "N"));
        awaitStored("PWH", 1);
        awaitInboundDrained();
        await().atMost(Duration.ofSeconds(30)).until(() -> disclose.getExchangesCompleted() > before
                && disclose.getExchangesInflight() == 0);
        assertThat(EMR.about(written(Hl7Samples.hkidOf(n)))).noneMatch(m -> m.contains("|4.4|"));
        // the same patient's result from QMH goes
        send(Hl7Samples.potassium("QMH", "M" + n + "-2", n, "4.6", "N"));
        await().atMost(Duration.ofSeconds(30)).until(() -> EMR.about(written(Hl7Samples.hkidOf(n))).stream()
                .anyMatch(m -> m.contains("|4.6|")));
    }

    @Test
    void aResultTheEmrRefusesIsDeadLetteredWithItsReason() throws Exception {
        int n = 501003;
        String patient = patientWithConsent(n, "REFUSED");
        send(Hl7Samples.potassium("QMH", "M" + n + "-1", n, "2.9", "LL"));
        jms.setReceiveTimeout(30_000);
        jakarta.jms.Message dead = jms.receiveSelected(org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                "HarbourFailedRoute = 'deliver-kwc-emr' AND HarbourPatientId = '" + patient + "'");
        String hkid = Hl7Samples.hkidOf(n);
        assertThat(dead).as("dead letter; the EMR received %s; audited %s", EMR.about(hkid.substring(0, 4)),
                audited(patient, "withheld").stream().map(AuditEvent::getOutcomeDesc).toList()).isNotNull();
        assertThat(dead.getStringProperty(org.harbour.routes.Headers.FAILURE_REASON)).contains("RefusedException");
        // the EMR's own words (its MSA-3 / ERR), kept sealed with the dead letter
        assertThat(new String(seal.open(java.util.Base64.getDecoder().decode(dead.getStringProperty(
                org.harbour.routes.Headers.FAILURE_DETAIL))), StandardCharsets.UTF_8))
                .contains("kwc-emr answered AR", "patient not registered here");
        assertThat(audited(patient, "disclosed")).isEmpty();
    }
}
