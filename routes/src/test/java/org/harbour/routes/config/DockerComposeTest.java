package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/ cannot rot unnoticed (no Docker engine here to run it): the compose file parses, every
 * service has a health check and a restart policy, the hub waits for the others to be healthy and
 * gets the deploy configuration, every secret it asks for is named in its header, the Keycloak
 * realm's clients have their secrets from that environment and the scopes the hub needs, and the
 * build context leaves out the data directory and build output.
 */
class DockerComposeTest {

    private static final Path DOCKER = Path.of("../docker");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        return (Map<String, Object>) compose.get("services");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceIsHealthCheckedAndRestartedAndTheHubWaitsForTheRest() throws Exception {
        Map<String, Object> services = services();
        assertThat(services).containsOnlyKeys("postgres", "artemis", "keycloak", "harbour");
        services.forEach((name, value) -> {
            Map<String, Object> service = (Map<String, Object>) value;
            assertThat(service.get("restart")).as(name + " restarts").isEqualTo("unless-stopped");
            if (!name.equals("harbour")) {
                assertThat(service).as(name + " has a health check").containsKey("healthcheck");
            }
        });
        Map<String, Object> hub = (Map<String, Object>) services.get("harbour");
        Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) hub.get("depends_on");
        assertThat(dependsOn).containsOnlyKeys("postgres", "artemis", "keycloak")
                .allSatisfy((service, condition) -> assertThat(condition).containsEntry("condition", "service_healthy"));
        assertThat((List<String>) hub.get("volumes")).contains("../config:/opt/harbour/config:ro");
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).contains("WORKDIR /opt/harbour", "COPY config /opt/harbour/config", "HEALTHCHECK",
                "--mount=type=cache,target=/root/.m2");
    }

    @Test
    void everySecretTheFileNeedsIsNamedInItsHeader() throws Exception {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        String header = compose.substring(0, compose.indexOf("services:"));
        Set<String> required = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{(\\w+):\\?").matcher(compose);
        while (m.find()) {
            required.add(m.group(1));
        }
        assertThat(required).isNotEmpty().allSatisfy(variable -> assertThat(header).contains(variable));
    }

    @Test
    void theRealmsClientsHaveSecretsFromTheEnvironmentAndTheScopesTheHubNeeds() throws Exception {
        JsonNode realm = new ObjectMapper().readTree(DOCKER.resolve("keycloak/harbour-realm.json").toFile());
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        Set<String> scopes = new TreeSet<>();
        realm.get("clientScopes").forEach(s -> scopes.add(s.get("name").asText()));
        for (JsonNode client : realm.get("clients")) {
            String secret = client.path("secret").asText("");
            assertThat(secret).as(client.get("clientId") + "'s secret").matches("\\$\\{\\w+}");
            String variable = secret.substring(2, secret.length() - 1);
            assertThat(compose).as("keycloak gets " + variable).contains(variable + ": ${" + variable + ":?");
            client.get("optionalClientScopes").forEach(s -> assertThat(scopes).contains(s.asText()));
        }
        JsonNode clinic = null;
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("clinic-emr")) {
                clinic = client;
            }
        }
        assertThat(clinic).isNotNull();
        List<String> optional = new java.util.ArrayList<>();
        clinic.get("optionalClientScopes").forEach(s -> optional.add(s.asText()));
        // POST /fhir (pushing records) needs system/*.write
        assertThat(optional).contains("system/*.write", "system/*.read", "system/Consent.write");
    }

    @Test
    void theBuildContextLeavesOutSecretsAndBuildOutput() throws Exception {
        List<String> ignored = Files.readAllLines(Path.of("../.dockerignore"));
        assertThat(ignored).contains("data/", "**/target/", ".git/", "**/node_modules/");
    }
}
