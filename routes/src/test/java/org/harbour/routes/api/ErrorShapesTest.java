package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.harbour.routes.HubTestSupport;
import org.junit.jupiter.api.Test;

/** One error shape under /api, OperationOutcomes under /fhir, whoever answers (a controller, Spring, Tomcat). */
class ErrorShapesTest extends HubTestSupport {

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", "Bearer " + API_TOKEN).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiErrorsHaveOneShape() throws Exception {
        HttpResponse<String> unknown = call("GET", "/api/no-such-thing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("{\"status\":404,\"error\":\"Not Found\",\"message\":");
        HttpResponse<String> method = call("DELETE", "/api/messages");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.body()).startsWith("{\"status\":405,\"error\":\"Method Not Allowed\",\"message\":");
        HttpResponse<String> bad = call("GET", "/api/messages?since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"since must be");
        HttpResponse<String> rejectedReplay = call("POST", "/api/messages/no-such-id/replay");
        assertThat(rejectedReplay.statusCode()).isEqualTo(404);
        assertThat(rejectedReplay.body()).startsWith("{\"status\":404,");
        // the error page asked for itself is no error
        HttpResponse<String> error = call("GET", "/error");
        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.body()).startsWith("{\"status\":404,");
    }

    @Test
    void fhirErrorsAreOperationOutcomesWhoeverAnswers() throws Exception {
        HttpResponse<String> method = call("DELETE", "/fhir/metadata");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.body()).contains("\"resourceType\":\"OperationOutcome\"", "not-supported");
        HttpResponse<String> path = call("GET", "/fhir/Patient/a/b/c/d");
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(path.body()).contains("\"resourceType\":\"OperationOutcome\"", "not-found");
        // Spring's firewall refusing an encoded percent, and Tomcat itself an encoded slash
        for (String refused : new String[] {"/fhir/Patient/a%25b", "/fhir/Patient/a%2F..%2Fb"}) {
            HttpResponse<String> firewall = call("GET", refused);
            assertThat(firewall.statusCode()).as(refused).isEqualTo(400);
            assertThat(firewall.body()).as(refused).contains("\"resourceType\":\"OperationOutcome\"")
                    .doesNotContain("<html");
        }
        HttpResponse<String> api = call("GET", "/api/messages/a%2Fb");
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(api.body()).startsWith("{\"status\":400,");
    }
}
