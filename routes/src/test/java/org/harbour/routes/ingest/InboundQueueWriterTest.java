package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.support.EmbeddedBrokerWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound writer against a real embedded broker with a persistent journal: what a consumer
 * receives is the same whichever way the message was written (the broker's post office for a
 * message that fits, a client session for a larger one), and it survives a broker restart.
 */
class InboundQueueWriterTest {

    private static final String QUEUE = "test.inbound";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int SERVER_ID = 37;

    @TempDir
    Path dataDir;
    private EmbeddedActiveMQ broker;
    private ActiveMQConnectionFactory factory;

    @BeforeEach
    void startBroker() throws Exception {
        broker = startBroker(dataDir);
        factory = new ActiveMQConnectionFactory("vm://" + SERVER_ID);
    }

    @AfterEach
    void stopBroker() throws Exception {
        factory.close();
        broker.stop();
    }

    private static EmbeddedActiveMQ startBroker(Path dir) throws Exception {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true);
        configuration.setSecurityEnabled(false);
        configuration.setJournalDirectory(dir.resolve("journal").toString());
        configuration.setBindingsDirectory(dir.resolve("bindings").toString());
        configuration.setPagingDirectory(dir.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(dir.resolve("large").toString());
        configuration.setJournalSyncNonTransactional(true);
        configuration.addAcceptorConfiguration("in-vm", "vm://" + SERVER_ID);
        configuration.addQueueConfiguration(QueueConfiguration.of(QUEUE).setRoutingType(RoutingType.ANYCAST));
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(configuration);
        embedded.start();
        return embedded;
    }

    private InboundQueueWriter writer() {
        return writer(true);
    }

    /** @param postOffice whether messages that fit go through the broker's post office (else all through a client) */
    private InboundQueueWriter writer(boolean postOffice) {
        return new InboundQueueWriter(factory,
                postOffice ? new EmbeddedBrokerWriter(broker.getActiveMQServer(), TIMEOUT) : null, QUEUE, 1, TIMEOUT,
                new OrderGroups(1024));
    }

    private static Map<String, Object> metadata(String controlId) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("HarbourControlId", controlId);
        metadata.put("HarbourSender", "陳氏診所");
        metadata.put("HarbourReceivedAt", "2026-12-02T09:15:00.123Z");
        return metadata;
    }

    private void write(byte[] body, String controlId) throws Exception {
        try (InboundQueueWriter writer = writer()) {
            writer.write(body, metadata(controlId));
        }
    }

    /** What a JMS consumer sees of a message (read while its session is open). */
    private record Received(byte[] body, Map<String, String> metadata, int deliveryMode, String id, long timestamp) {
    }

    private Received receive() throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            BytesMessage message = (BytesMessage) consumer.receive(TIMEOUT.toMillis());
            assertThat(message).as("a message on " + QUEUE).isNotNull();
            byte[] body = new byte[(int) message.getBodyLength()];
            message.readBytes(body);
            message.acknowledge();
            return new Received(body, InboundMetadata.unpack(message.getStringProperty(InboundMetadata.PROPERTY)),
                    message.getJMSDeliveryMode(), message.getJMSMessageID(), message.getJMSTimestamp());
        }
    }

    @Test
    void aMessageThatFitsIsWrittenThroughThePostOfficeAndReadLikeAJmsSend() throws Exception {
        byte[] sent = "MSH|^~\\&|EMR|陳氏診所|HARBOUR|HUB|20261202091500+0800||ORU^R01|C1|P|2.5\r"
                .getBytes(StandardCharsets.UTF_8);
        write(sent, "C1");

        Received received = receive();

        assertThat(received.body()).isEqualTo(sent);
        assertThat(received.deliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(received.id()).startsWith("ID:");
        assertThat(received.timestamp()).isPositive();
        assertThat(received.metadata())
                .containsEntry("HarbourControlId", "C1").containsEntry("HarbourSender", "陳氏診所")
                .containsEntry("HarbourReceivedAt", "2026-12-02T09:15:00.123Z");
    }

    @Test
    void aLargerMessageGoesThroughAClientSessionAndArrivesTheSame() throws Exception {
        byte[] sent = new byte[EmbeddedBrokerWriter.MAX_BYTES + 1];
        Arrays.fill(sent, (byte) 'x');
        write(sent, "BIG");

        Received received = receive();

        assertThat(received.body()).isEqualTo(sent);
        assertThat(received.deliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(received.metadata()).containsEntry("HarbourControlId", "BIG");
    }

    @Test
    void aWrittenMessageSurvivesABrokerRestart() throws Exception {
        byte[] sent = "MSH|^~\\&|EMR|CLINIC|HARBOUR|HUB|20261202091500+0800||ADT^A01|R1|P|2.5\r"
                .getBytes(StandardCharsets.US_ASCII);
        write(sent, "R1");
        factory.close();
        broker.stop();
        broker = startBroker(dataDir);
        factory = new ActiveMQConnectionFactory("vm://" + SERVER_ID);

        Received received = receive();

        assertThat(received.body()).isEqualTo(sent);
        assertThat(received.metadata()).containsEntry("HarbourControlId", "R1");
    }

    @Test
    void anAddressWithoutAQueueIsAnErrorNotALoss() {
        EmbeddedBrokerWriter local = new EmbeddedBrokerWriter(broker.getActiveMQServer(), TIMEOUT);

        assertThatThrownBy(() -> local.send(SimpleString.of("no.such.queue"), new byte[] {1},
                SimpleString.of(InboundMetadata.PROPERTY), "A=b\n", null))
                .hasMessageContaining("did not take the message");
    }

    @Test
    void onlyMessagesUpToTheLargeMessageThresholdFit() {
        EmbeddedBrokerWriter local = new EmbeddedBrokerWriter(broker.getActiveMQServer(), TIMEOUT);

        assertThat(local.fits(EmbeddedBrokerWriter.MAX_BYTES - 20, "0123456789")).isTrue();
        assertThat(local.fits(EmbeddedBrokerWriter.MAX_BYTES - 19, "0123456789")).isFalse();
    }

    private static byte[] result(String controlId, String hkid) {
        return ("MSH|^~\\&|LIS|KWC|HARBOUR|HUB|20261203091500+0800||ORU^R01|" + controlId + "|P|2.5.1|||||HKG"
                + "|UNICODE UTF-8\rPID|1||" + hkid + "^^^HKID^NNHKG~MRN-1^^^KWC^MR||陳^大文||19700101|M\r")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> resultMetadata(String controlId) {
        Map<String, Object> metadata = metadata(controlId);
        metadata.put(org.harbour.routes.Headers.SENDING_APPLICATION, "LIS");
        metadata.put(org.harbour.routes.Headers.SENDER, "KWC");
        metadata.put(org.harbour.routes.Headers.CHARSET, "UTF-8");
        return metadata;
    }

    @Test
    void onePatientsMessagesGoToOneConsumerAtATimeWhileOtherPatientsGoOnThroughPostOffice() throws Exception {
        onePatientsMessagesGoToOneConsumerAtATime(true);
    }

    @Test
    void onePatientsMessagesGoToOneConsumerAtATimeWhileOtherPatientsGoOnThroughAClient() throws Exception {
        onePatientsMessagesGoToOneConsumerAtATime(false);
    }

    /**
     * Two transacted consumers, as the store stage's, take 10 patients' messages, written
     * interleaved: each patient's messages all go to one consumer, in the order written, the
     * patients are shared between the consumers, and a message rolled back (a failure) comes
     * again before the patient's later ones. Without groups the broker deals the messages out in
     * turn, and every patient's messages end split between the two.
     */
    private void onePatientsMessagesGoToOneConsumerAtATime(boolean postOffice) throws Exception {
        int patients = 10;
        int each = 10;
        Map<String, String> patientOf = new java.util.HashMap<>();
        try (Connection connection = factory.createConnection()) {
            Session[] sessions = {connection.createSession(true, Session.SESSION_TRANSACTED),
                    connection.createSession(true, Session.SESSION_TRANSACTED)};
            MessageConsumer[] consumers = {sessions[0].createConsumer(sessions[0].createQueue(QUEUE)),
                    sessions[1].createConsumer(sessions[1].createQueue(QUEUE))};
            // consuming before the messages come, as the store stage's consumers are (started later, the first
            // session to start would be given every message waiting, and with them every group)
            connection.start();
            try (InboundQueueWriter writer = writer(postOffice)) {
                for (int m = 0; m < each; m++) {
                    for (int p = 0; p < patients; p++) {
                        String controlId = p + "-" + m;
                        writer.write(result(controlId, Hkid.complete("A", String.format("%06d", 300_000 + p))),
                                resultMetadata(controlId));
                        patientOf.put(controlId, "patient " + p);
                    }
                }
            }
            java.util.List<java.util.List<String>> taken = java.util.List.of(new java.util.ArrayList<>(),
                    new java.util.ArrayList<>());
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
            java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(
                    patients * each);
            java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int consumer = c;
                runs.add(threads.submit(() -> {
                    boolean failedOnce = false;
                    while (left.get() > 0) {
                        BytesMessage message = (BytesMessage) consumers[consumer].receive(100);
                        if (message == null) {
                            continue;
                        }
                        String group = message.getStringProperty(OrderGroups.PROPERTY);
                        // the group is a bucket number: no patient identifier on the broker
                        assertThat(group).matches("p[0-9]+");
                        String controlId = InboundMetadata.unpack(message.getStringProperty(InboundMetadata.PROPERTY))
                                .get("HarbourControlId");
                        if (consumer == 0 && !failedOnce) {
                            failedOnce = true;
                            sessions[consumer].rollback();
                            continue;
                        }
                        taken.get(consumer).add(controlId);
                        sessions[consumer].commit();
                        left.decrementAndGet();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            }
            threads.shutdown();

            assertThat(taken.get(0).size() + taken.get(1).size()).isEqualTo(patients * each);
            for (int p = 0; p < patients; p++) {
                String patient = "patient " + p;
                java.util.List<String> inOrder = new java.util.ArrayList<>();
                for (int m = 0; m < each; m++) {
                    inOrder.add(p + "-" + m);
                }
                java.util.List<String> byFirst = taken.get(0).stream().filter(id -> patientOf.get(id).equals(patient))
                        .toList();
                java.util.List<String> bySecond = taken.get(1).stream().filter(id -> patientOf.get(id).equals(patient))
                        .toList();
                assertThat(byFirst.isEmpty() ? bySecond : byFirst)
                        .as(patient + "'s messages: all taken by one consumer, in the order written").isEqualTo(inOrder);
            }
            assertThat(taken).as("both consumers worked").allSatisfy(list -> assertThat(list).isNotEmpty());
        }
    }
}
