package org.harbour.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.cli.AuditCommand;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.store.MessageStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub writes its audit trail at every step: a message received, translated, stored or
 * rejected; API reads and searches; replays; its own start. The trail is searchable through
 * /fhir/AuditEvent, and `audit verify` checks the chain.
 */
class AuditInTheHubTest extends HubTestSupport {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private AuditTrail trail;

    @Autowired
    private HarbourProperties properties;

    private List<String> subtypesOf(String agent) {
        return jdbc.queryForList("SELECT subtype FROM audit_event WHERE agent = ? ORDER BY seq", String.class, agent);
    }

    private void send(String message) throws Exception {
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(message))).code()).isEqualTo("AA");
        }
    }

    @Test
    void eachStepOfAMessageIsAuditedAndSearchableByPatientAgentAndDate() throws Exception {
        String sender = uniqueSender("AUD");
        send(Hl7Samples.adt(sender, "AUD-1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> subtypesOf(sender).size() == 3);
        assertThat(subtypesOf(sender)).containsExactly("received", "translated", "stored");
        List<String> entries = jdbc.queryForList("SELECT entry FROM audit_event WHERE agent = ?", String.class, sender);
        assertThat(entries).allSatisfy(entry -> assertThat(entry).contains("\"resourceType\":\"AuditEvent\"", "110107")
                .doesNotContain("黃").doesNotContain("G123456A"));
        String patient = jdbc.queryForObject("SELECT patient_id FROM audit_event WHERE agent = ? AND subtype = 'stored'",
                String.class, sender);
        assertThat(patient).isNotNull();

        String byPatient = text(getWithToken("/fhir/AuditEvent?patient=Patient/" + patient + "&_count=200"));
        assertThat(byPatient).contains("\"resourceType\":\"Bundle\"", "\"code\":\"translated\"", "\"code\":\"stored\"");
        String today = LocalDate.now(properties.timezone()).toString();
        String byAgent = text(getWithToken("/fhir/AuditEvent?agent=" + sender + "&date=ge" + today));
        assertThat(byAgent).contains("\"total\":3", "\"code\":\"received\"");
        assertThat(text(getWithToken("/fhir/AuditEvent?agent=" + sender + "&date=lt2000-01-01"))).contains("\"total\":0");
        assertThat(text(getWithToken("/fhir/AuditEvent?agent=" + sender + "&subtype=received"))).contains("\"total\":1");
        var badDate = getWithToken("/fhir/AuditEvent?date=yesterday");
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(text(badDate)).contains("OperationOutcome", "'yesterday' is not a FHIR date");
        assertThat(getWithToken("/fhir/AuditEvent?name=x").statusCode()).isEqualTo(400);
        // reading the trail is itself in the trail
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE agent = 'api-token' AND entry LIKE ?",
                Long.class, "%AuditEvent?agent=" + sender + "%")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void rejectedInputIsAuditedWithTheReason() throws Exception {
        String sender = uniqueSender("AUDBAD");
        try (MllpClient client = connect()) {
            byte[] bad = Hl7Samples.oru(sender, "BAD-1", "").replace("|2.5.1|", "|3.1|").getBytes(StandardCharsets.UTF_8);
            assertThat(Acks.parse(client.send(bad)).code()).isEqualTo("AR");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> subtypesOf(sender).contains("rejected"));
        String entry = jdbc.queryForObject("SELECT entry FROM audit_event WHERE agent = ? AND subtype = 'rejected'",
                String.class, sender);
        assertThat(entry).contains("\"outcome\":\"4\"", "MSH-12 version is not one this hub reads", "\"address\":\"127.0.0.1\"");
    }

    @Test
    void aReplayIsAuditedAndTranslatesAgainWithoutASecondCopy() throws Exception {
        String sender = uniqueSender("AUDRE");
        send(Hl7Samples.adt(sender, "RE-1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> subtypesOf(sender).contains("stored"));
        String id = storedFrom(sender).get(0).id();

        var replayed = postWithToken("/api/messages/" + id + "/replay");
        assertThat(replayed.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> subtypesOf(sender).stream()
                .filter("translated"::equals).count() == 2);
        assertThat(storedFrom(sender)).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE subtype = 'replay' AND entry LIKE ?",
                Long.class, "%message " + id + " (controlId RE-1) replayed%")).isEqualTo(1);
        assertThat(postWithToken("/api/messages/no-such-message/replay").statusCode()).isEqualTo(404);

        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send("PID|1||123^^^KWC^MR||陳^大文\r".getBytes(StandardCharsets.UTF_8))).code())
                    .isEqualTo("AR");
        }
        String rejected = store.find(new org.harbour.routes.store.MessageQuery(null, null, null, MessageStatus.REJECTED,
                null, 0, 1)).get(0).id();
        assertThat(postWithToken("/api/messages/" + rejected + "/replay").statusCode()).isEqualTo(409);
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.core.env.Environment environment;

    @Test
    void theHubsStartIsAuditedAndTheChainVerifies() throws Exception {
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE subtype = 'start'", Long.class))
                .isGreaterThanOrEqualTo(1);
        trail.checkpoint();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the command reads the hub's configuration: here, the test hub's database and data directory
        org.harbour.routes.cli.HubSettings settings = org.harbour.routes.cli.HubSettings.load(
                java.nio.file.Path.of("").toAbsolutePath(), java.util.Map.of(
                        "SPRING_DATASOURCE_URL", environment.getProperty("spring.datasource.url"),
                        "HARBOUR_DATA_DIR", properties.dataDir().toString()));
        int exit = new AuditCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), settings).run(new String[] {"verify"});
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("audit trail intact").contains("checkpoint");

        // the same check made by the running hub (what the command line asks while the hub holds H2)
        HttpResponse<String> byTheHub = sendJson("POST", "/api/audit/verify", "{}");
        assertThat(byTheHub.statusCode()).isEqualTo(200);
        assertThat(byTheHub.body()).contains("\"intact\":true", "\"lastCheckpoint\":");
        assertThat(sendJson("POST", "/api/audit/verify", "{\"publicKey\":\"MCowBQYDK2VwAyEAX3+rb63f3EEKQ6PH/h1/Wu8xf3SVHGJmWfqP7g9hzSU=\"}")
                .body()).as("checkpoints signed by another key").contains("\"intact\":false");

        // a witness fetches the signed checkpoints while the hub runs, and later verifies against its copy
        var fetched = getWithToken("/api/audit/checkpoints");
        assertThat(fetched.statusCode()).isEqualTo(200);
        List<String> lines = text(fetched).lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).matches("\\{\"seq\":\\d+,.*\"signature\":\".+\"}"));
        java.nio.file.Path copy = java.nio.file.Files.createTempFile("witness-", ".ndjson");
        java.nio.file.Files.write(copy, lines);
        String publicKey = lines.get(0).replaceAll(".*\"publicKey\":\"([^\"]+)\".*", "$1");
        ByteArrayOutputStream witnessOut = new ByteArrayOutputStream();
        int witnessExit = new AuditCommand(new PrintStream(witnessOut, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), settings).run(new String[] {"verify",
                    "--public-key", publicKey, "--witness", copy.toString()});
        assertThat(witnessExit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(witnessOut.toString(StandardCharsets.UTF_8)).startsWith("audit trail intact");
    }
}
