package org.harbour.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.harbour.routes.TestH2;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.security.SecurityConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each start is audited; a start with a changed configuration also records which sections
 * changed, and no secret reaches the trail. Production refuses the static token without an issuer.
 */
class ConfigurationAuditTest {

    @TempDir
    Path dir;

    private static HarbourProperties properties(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("harbour", HarbourProperties.class);
    }

    @Test
    void aChangedConfigurationIsRecordedWithTheSectionsThatChanged() throws Exception {
        DataSource db = TestH2.fresh(dir);
        TestH2.flyway(db).migrate();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (AuditTrail trail = new AuditTrail(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)),
                FhirContext.forR4Cached(), Clock.systemUTC(), new AuditSigner(new byte[32]), Duration.ofSeconds(30))) {
            ConfigurationAudit audit = new ConfigurationAudit(jdbc, trail, Clock.systemUTC());
            Map<String, String> first = Map.of("harbour.mllp.port", "2575", "harbour.api.token", "first-secret-token");
            assertThat(audit.started(properties(first))).isEmpty();
            assertThat(audit.started(properties(first))).isEmpty();
            assertThat(audit.started(properties(Map.of("harbour.mllp.port", "2576", "harbour.retention", "P10Y",
                    "harbour.api.token", "first-secret-token")))).containsExactly("mllp", "retention");

            List<String> subtypes = jdbc.queryForList("SELECT subtype FROM audit_event ORDER BY seq", String.class);
            assertThat(subtypes).containsExactly("start", "start", "start", "configuration-change");
            assertThat(jdbc.queryForObject("SELECT entry FROM audit_event WHERE subtype = 'configuration-change'",
                    String.class)).contains("configuration changed since the last start: mllp, retention");
            assertThat(jdbc.queryForList("SELECT entry FROM audit_event", String.class))
                    .noneMatch(entry -> entry.contains("first-secret-token"));
            assertThat(jdbc.queryForObject("SELECT content FROM hub_setting", String.class))
                    .doesNotContain("first-secret-token");
        }
    }

    @Test
    void withoutAnIssuerTheStaticTokenMustBeAllowed() {
        HarbourProperties production = properties(Map.of("harbour.auth.static-token", "false"));
        assertThatThrownBy(() -> new SecurityConfiguration().jwtSupport(production))
                .hasMessageContaining("set harbour.auth.issuer-uri");
        assertThat(new SecurityConfiguration().jwtSupport(properties(Map.of())).decoder()).isNull();
        assertThat(new SecurityConfiguration().jwtSupport(properties(Map.of("harbour.auth.static-token", "false",
                "harbour.auth.issuer-uri", "https://login.hospital.example/realms/harbour"))).decoder()).isNotNull();
    }
}
