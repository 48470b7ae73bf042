package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The at-rest search on the production parts: PostgreSQL (searched in a {@code pg_dump} of the
 * hub's schema) and an external broker over TCP (its journal, paging and large-message files
 * searched), besides the hub's own data directory.
 */
class DataAtRestPostgresTest extends DataAtRestContract {

    private static final String PG_URL = System.getProperty("harbour.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private final String schema = "harbour_rest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private Path dataDir;
    private Path brokerDir;
    private EmbeddedActiveMQ broker;

    @Override
    Map<String, Object> hubProperties() throws Exception {
        Assumptions.assumeFalse("skip".equals(System.getProperty("harbour.test.postgres")),
                "PostgreSQL tests skipped by -Dharbour.test.postgres=skip");
        DriverManagerDataSource admin = new DriverManagerDataSource(PG_URL, "postgres", "");
        try (Connection ignored = admin.getConnection()) {
            new JdbcTemplate(admin).execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            fail("PostgreSQL is required at " + PG_URL + ": " + e.getMessage());
        }
        brokerDir = temporary("harbour-at-rest-broker-");
        org.harbour.routes.ExternalTestBroker external = org.harbour.routes.ExternalTestBroker.start(brokerDir);
        broker = external.server();
        dataDir = temporary("harbour-at-rest-pg-");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.profiles.active", "production");
        properties.put("harbour.data-dir", dataDir.toString());
        properties.put("HARBOUR_BROKER_URL", external.url());
        properties.put("HARBOUR_DATABASE_URL", PG_URL + "?currentSchema=" + schema);
        properties.put("HARBOUR_DATABASE_USER", "postgres");
        properties.put("spring.flyway.schemas", schema);
        properties.put("harbour.records.encryption-key", java.util.Base64.getEncoder().encodeToString(key));
        properties.put("harbour.audit.signing-key", java.util.Base64.getEncoder().encodeToString(key));
        // the API with a static token, as the embedded default has it (production expects an issuer)
        properties.put("harbour.auth.static-token", "true");
        return properties;
    }

    @Override
    List<Path> filesToSearch() throws Exception {
        broker.stop();
        return List.of(dataDir, brokerDir);
    }

    @Override
    List<byte[]> dumps() throws Exception {
        Process dump = new ProcessBuilder("pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-n", schema, "test")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = dump.getInputStream().readAllBytes();
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dump.exitValue()).as("pg_dump exit").isZero();
        // the dump holds the hub's tables and rows (else the search proves nothing)
        assertThat(new String(out, java.nio.charset.StandardCharsets.UTF_8)).contains("COPY " + schema + ".message_raw");
        return List.of(out);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (broker != null) {
            broker.stop();
        }
        new JdbcTemplate(new DriverManagerDataSource(PG_URL, "postgres", "")).execute("DROP SCHEMA IF EXISTS " + schema
                + " CASCADE");
    }
}
