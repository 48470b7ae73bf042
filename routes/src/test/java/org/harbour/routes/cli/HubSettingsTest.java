package org.harbour.routes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line reads the hub's configuration as the hub does: files, relaxed variables, profiles. */
class HubSettingsTest {

    @TempDir
    Path work;

    @Test
    void theJarsDefaultsApplyWhenNothingIsConfigured() {
        HubSettings settings = HubSettings.load(work, Map.of());
        assertThat(settings.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(settings.databaseUrl()).startsWith("jdbc:h2:file:./data/db/harbour;MODE=PostgreSQL")
                .endsWith(";IFEXISTS=TRUE");
        assertThat(settings.databaseUser()).isEqualTo("harbour");
        assertThat(settings.hubUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(settings.get("harbour.timezone")).hasValue("Asia/Hong_Kong");
    }

    @Test
    void configApplicationYamlOverridesTheJarAndTheEnvironmentOverridesBoth() throws Exception {
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.yaml"), """
                harbour:
                  data-dir: /srv/harbour
                  translation:
                    timezones:
                      KWC: America/Vancouver
                server:
                  port: 9090
                """);
        HubSettings fromFile = HubSettings.load(work, Map.of());
        assertThat(fromFile.dataDir()).isEqualTo(Path.of("/srv/harbour"));
        assertThat(fromFile.databaseUrl()).startsWith("jdbc:h2:file:/srv/harbour/db/harbour;");
        assertThat(fromFile.hubUrl()).isEqualTo("http://127.0.0.1:9090");
        assertThat(fromFile.map("harbour.translation.timezones")).containsEntry("KWC", "America/Vancouver");

        HubSettings fromEnvironment = HubSettings.load(work, Map.of("HARBOUR_DATA_DIR", "/var/lib/harbour",
                "SERVER_PORT", "8443", "SERVER_SSL_ENABLED", "true", "HARBOUR_API_TOKEN", "from-the-environment"));
        assertThat(fromEnvironment.dataDir()).isEqualTo(Path.of("/var/lib/harbour"));
        assertThat(fromEnvironment.hubUrl()).isEqualTo("https://127.0.0.1:8443");
        assertThat(fromEnvironment.apiToken()).hasValue("from-the-environment");
    }

    @Test
    void theProductionProfileNamesPostgresql() {
        HubSettings production = HubSettings.load(work, Map.of("SPRING_PROFILES_ACTIVE", "production",
                "HARBOUR_DATABASE_URL", "jdbc:postgresql://db.hospital.example/harbour"));
        assertThat(production.databaseUrl()).isEqualTo("jdbc:postgresql://db.hospital.example/harbour");
    }

    @Test
    void theTokenTheHubGeneratedIsReadFromItsDataDirectory() throws Exception {
        Files.createDirectories(work.resolve("d"));
        Files.writeString(work.resolve("d/api-token"), "generated-token\n");
        assertThat(HubSettings.load(work, Map.of("HARBOUR_DATA_DIR", work.resolve("d").toString())).apiToken())
                .hasValue("generated-token");
    }
}
