package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.UUID;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.routes.store.MessageQuery;
import org.harbour.routes.store.MessageStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The production profile for real: the hub against an external broker over TCP (an Artemis
 * server in this JVM with a TCP acceptor, as a separate broker would be) and PostgreSQL
 * (a fresh schema on the local server), with the same Flyway migrations.
 */
@SpringBootTest(classes = HarbourApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"harbour.mllp.port=0", "harbour.mllp.host=127.0.0.1",
            // production takes bearer tokens only from an issuer (OAuth2AndTlsTest drives a real one)
            "harbour.auth.issuer-uri=https://login.hospital.example/realms/harbour",
            "harbour.console.password=prod-test"})
@ActiveProfiles("production")
class ProductionProfileTest {

    private static final String PG_URL = System.getProperty("harbour.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "harbour_prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static EmbeddedActiveMQ broker;
    private static int brokerPort;

    @Autowired
    private CamelContext camel;

    @Autowired
    private MessageStore store;

    @Autowired
    private JdbcTemplate jdbc;

    @DynamicPropertySource
    static void externalServices(DynamicPropertyRegistry registry) throws Exception {
        Assumptions.assumeFalse("skip".equals(System.getProperty("harbour.test.postgres")),
                "PostgreSQL tests skipped by -Dharbour.test.postgres=skip");
        DriverManagerDataSource admin = new DriverManagerDataSource(PG_URL, "postgres", "");
        try (Connection ignored = admin.getConnection()) {
            new JdbcTemplate(admin).execute("CREATE SCHEMA " + SCHEMA);
        } catch (java.sql.SQLException e) {
            fail("PostgreSQL is required at " + PG_URL + ": " + e.getMessage());
        }
        ExternalTestBroker external = ExternalTestBroker.start(Files.createTempDirectory("harbour-external-broker-"));
        broker = external.server();
        brokerPort = external.port();
        Path dataDir = Files.createTempDirectory("harbour-prod-test-");
        registry.add("harbour.data-dir", dataDir::toString);
        registry.add("HARBOUR_BROKER_URL", () -> "tcp://127.0.0.1:" + brokerPort);
        registry.add("HARBOUR_DATABASE_URL", () -> PG_URL + "?currentSchema=" + SCHEMA);
        registry.add("HARBOUR_DATABASE_USER", () -> "postgres");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        registry.add("harbour.records.encryption-key", () -> java.util.Base64.getEncoder().encodeToString(key));
        registry.add("harbour.audit.signing-key", () -> java.util.Base64.getEncoder().encodeToString(key));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (broker != null) {
            broker.stop();
        }
        new JdbcTemplate(new DriverManagerDataSource(PG_URL, "postgres", "")).execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void messageGoesThroughTheExternalBrokerIntoPostgres() throws Exception {
        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class)).isEqualTo(SCHEMA);
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        // the hub's connections plan each statement for its values (no generic plan cached on an empty table)
        assertThat(jdbc.queryForObject("SHOW plan_cache_mode", String.class)).isEqualTo("force_custom_plan");
        int port = MllpListeners.get(camel, RouteIds.MLLP_LISTENER).port();
        try (MllpClient client = MllpClient.connect("127.0.0.1", port)) {
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.adt("QEH", "PROD-1")))).code()).isEqualTo("AA");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                store.count(new MessageQuery("PROD-1", "QEH", null, null, null, 0, 1)) == 1);
        assertThat(broker.getActiveMQServer().locateQueue(RouteIds.INBOUND_QUEUE)).isNotNull();
        // translated into the record store on PostgreSQL, patient linked by HKID, payload encrypted
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Patient'", Integer.class) >= 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM patient_link", Integer.class)).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT translation FROM message WHERE control_id = 'PROD-1'", String.class))
                .isEqualTo("TRANSLATED");
    }
}
