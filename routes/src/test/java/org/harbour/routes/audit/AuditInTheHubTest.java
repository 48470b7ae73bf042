package org.harbour.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.cli.AuditCommand;
import org.harbour.routes.config.HarbourProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The hub writes its audit trail: translations and API reads; `audit verify` checks it. */
class AuditInTheHubTest extends HubTestSupport {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private AuditTrail trail;

    @Autowired
    private HarbourProperties properties;

    @Test
    void translationsAndReadsAreAuditedAndTheChainVerifies() throws Exception {
        String sender = uniqueSender("AUD");
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "AUD-1")))).code()).isEqualTo("AA");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM audit_event WHERE agent = ?", Integer.class, sender) == 1);
        String entry = jdbc.queryForObject("SELECT entry FROM audit_event WHERE agent = ?", String.class, sender);
        assertThat(entry).contains("\"resourceType\":\"AuditEvent\"").contains("110107").contains("translated")
                .doesNotContain("黃").doesNotContain("G123456A");

        long before = jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE agent = 'api-token'", Long.class);
        assertThat(getWithToken("/fhir/Patient?identifier=urn:harbour:id:hkid%7CG123456A").statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_event WHERE agent = 'api-token'", Long.class))
                .isEqualTo(before + 1);

        trail.checkpoint();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new AuditCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[] {"verify", "--data-dir", properties.dataDir().toString()});
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("audit trail intact").contains("checkpoint");
    }
}
