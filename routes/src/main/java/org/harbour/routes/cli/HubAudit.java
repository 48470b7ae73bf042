package org.harbour.routes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.harbour.routes.audit.AuditVerifier;

/**
 * The audit commands answered by the running hub, for when it holds the embedded database:
 * {@code POST /api/audit/verify} and {@code GET /api/audit/checkpoints} with the API token, at
 * the port the hub's configuration names.
 */
final class HubAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HubAudit(HubSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    int run(String command, String publicKey, Path witness) {
        String token = settings.apiToken().orElse(null);
        if (token == null) {
            err.println("the hub holds the database and no API token was found (HARBOUR_API_TOKEN or "
                    + settings.dataDir().resolve("api-token") + "); stop the hub or give the token");
            return 1;
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + token);
            if (command.equals("checkpoints")) {
                HttpResponse<String> answer = http.send(request.uri(URI.create(settings.hubUrl() + "/api/audit/checkpoints"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    return refused(answer);
                }
                out.print(answer.body());
                return 0;
            }
            ObjectNode body = JSON.createObjectNode();
            if (publicKey != null) {
                body.put("publicKey", publicKey);
            }
            if (witness != null) {
                body.putPOJO("witness", Files.readAllLines(witness));
            }
            HttpResponse<String> answer = http.send(request.uri(URI.create(settings.hubUrl() + "/api/audit/verify"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return refused(answer);
            }
            JsonNode r = JSON.readTree(answer.body());
            AuditVerifier.Result result = new AuditVerifier.Result(r.path("intact").asBoolean(), r.path("entries").asLong(),
                    r.hasNonNull("firstBad") ? r.get("firstBad").asLong() : null, r.path("problem").asText(null),
                    r.hasNonNull("lastCheckpoint") ? r.get("lastCheckpoint").asLong() : null);
            (result.intact() ? out : err).println(result.describe() + " (checked by the running hub at "
                    + settings.hubUrl() + ")");
            return result.intact() ? 0 : 1;
        } catch (java.io.IOException e) {
            err.println("the embedded database is in use and the hub at " + settings.hubUrl() + " did not answer: "
                    + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int refused(HttpResponse<String> answer) {
        String message;
        try {
            JsonNode refusal = JSON.readTree(answer.body());
            // the API's {status,error,message}, or an OperationOutcome's first diagnostics
            message = refusal.path("message").asText(refusal.path("issue").path(0).path("diagnostics")
                    .asText(answer.body()));
        } catch (Exception e) {
            message = answer.body();
        }
        err.println("the hub refused the audit check (" + answer.statusCode() + "): " + message);
        return 1;
    }
}
