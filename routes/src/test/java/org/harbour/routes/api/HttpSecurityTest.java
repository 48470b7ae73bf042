package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.harbour.routes.HubTestSupport;
import org.junit.jupiter.api.Test;

/** Health is open; the API needs the bearer token; the console needs an admin login. */
class HttpSecurityTest extends HubTestSupport {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void healthIsOpenAndNamesEachPart() {
        HttpResponse<byte[]> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(text(health)).startsWith("{\"status\":\"UP\"")
                .contains("\"mllp\":{\"status\":\"UP\"", "\"db\":{\"status\":\"UP\"", "\"jms\":{\"status\":\"UP\"");
    }

    @Test
    void apiWithoutTheTokenIsRefused() {
        assertThat(get("/api/messages", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/messages", "Bearer wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/messages", basic("admin", CONSOLE_PASSWORD)).statusCode()).isEqualTo(401);
        assertThat(getWithToken("/api/messages").statusCode()).isEqualTo(200);
        assertThat(text(getWithToken("/api/messages?size=1"))).contains("\"items\":[");
    }

    @Test
    void badSearchParametersAreAClearError() {
        HttpResponse<byte[]> response = getWithToken("/api/messages?since=yesterday");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(text(response)).contains("since must be an ISO-8601");
        assertThat(getWithToken("/api/messages?status=LOST").statusCode()).isEqualTo(400);
        assertThat(getWithToken("/api/messages?size=100000").statusCode()).isEqualTo(400);
        assertThat(getWithToken("/api/messages/no-such-id/raw").statusCode()).isEqualTo(404);
    }

    @Test
    void consoleNeedsAnAdminLogin() throws Exception {
        assertThat(get("/hawtio/", null).statusCode()).isEqualTo(401);
        assertThat(get("/hawtio/", basic("admin", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/hawtio/", "Bearer " + API_TOKEN).statusCode()).isEqualTo(401);
        HttpResponse<String> browser = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/hawtio/")).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(get("/hawtio/", basic("admin", CONSOLE_PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void hawtioLearnsWhoIsLoggedInAndItsLogOutEndsTheSession() throws Exception {
        HttpResponse<byte[]> user = get("/hawtio/user", basic("admin", CONSOLE_PASSWORD));
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(text(user)).isEqualTo("\"admin\"");
        assertThat(get("/hawtio/user", null).statusCode()).isEqualTo(401);
        HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/hawtio/auth/logout")).header("Authorization", basic("admin", CONSOLE_PASSWORD))
                .header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        // a browser goes back to the login page (a script's client gets 204)
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        HttpResponse<byte[]> queues = get("/console/queues", basic("admin", CONSOLE_PASSWORD));
        assertThat(queues.statusCode()).isEqualTo(200);
        assertThat(text(queues)).contains("data-queue=\"harbour.inbound\"", "data-queue=\"harbour.outbound.dlq\"");
        assertThat(get("/console/queues", "Bearer " + API_TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void metricsAreForPrometheusAndTheConsoleOnly() {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", "Bearer " + API_TOKEN).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> scrape = get("/actuator/prometheus", basic("admin", CONSOLE_PASSWORD));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(text(scrape)).contains("# TYPE harbour_store_messages_total counter");
        HttpResponse<byte[]> mbeans = get("/jolokia/search/metrics:*", basic("admin", CONSOLE_PASSWORD));
        assertThat(mbeans.statusCode()).isEqualTo(200);
        assertThat(text(mbeans)).contains("harbourStoreMessages");
    }

    @Test
    void consoleSeesTheCamelRoutesAndTheBrokerQueues() {
        HttpResponse<byte[]> routes = get("/jolokia/search/org.apache.camel:type=routes,*", basic("admin", CONSOLE_PASSWORD));
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(text(routes)).contains("name=\\\"ingest-mllp\\\"", "name=\\\"store\\\"");
        HttpResponse<byte[]> queues = get("/jolokia/search/org.apache.activemq.artemis:*,subcomponent=queues",
                basic("admin", CONSOLE_PASSWORD));
        assertThat(queues.statusCode()).isEqualTo(200);
        // the delivery dead-letter queue exists from the start, before any failure
        assertThat(text(queues)).contains("queue=\\\"harbour.inbound\\\"", "queue=\\\"harbour.dlq\\\"",
                "queue=\\\"harbour.outbound.dlq\\\"");
        assertThat(get("/jolokia/search/org.apache.camel:*", null).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> console(String path, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", basic("admin", CONSOLE_PASSWORD));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jolokiaAnswersTheHubsOwnOriginOnlyAndRunsNoOperationByGet() throws Exception {
        String read = "/jolokia/read/java.lang:type=Memory/HeapMemoryUsage";
        HttpResponse<String> crossSite = console(read, "https://evil.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(crossSite.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(console(read, "http://127.0.0.1:" + httpPort).statusCode()).isEqualTo(200);
        // a link another page makes the operator's browser follow: refused, and the route keeps running
        HttpResponse<String> stop = console("/jolokia/exec/org.apache.camel:context=harbour,type=routes,name=%22store%22"
                + "/stop", null);
        assertThat(stop.statusCode()).isEqualTo(405);
        assertThat(camel.getRouteController().getRouteStatus(org.harbour.routes.RouteIds.STORE).isStarted()).isTrue();
        assertThat(console("/jolokia/exec/com.sun.management:type=HotSpotDiagnostic/dumpHeap/h.hprof/true", null)
                .statusCode()).isEqualTo(405);
        assertThat(console("/jolokia/read/java.lang:type=Runtime/SystemProperties", null).statusCode()).isEqualTo(403);
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.boot.autoconfigure.web.ServerProperties server;

    @Test
    void theConsolesSessionCookieIsSameSiteStrictAndHttpOnly() {
        var cookie = server.getServlet().getSession().getCookie();
        assertThat(cookie.getSameSite()).isEqualTo(org.springframework.boot.web.server.Cookie.SameSite.STRICT);
        assertThat(cookie.getHttpOnly()).isTrue();
        // Secure follows HTTPS (a browser drops a Secure cookie on plain HTTP to another host)
        assertThat(cookie.getSecure()).isFalse();
    }

    @Test
    void consoleAndActuatorRefusalsAreOperationOutcomesWithTheApisChallenges() throws Exception {
        HttpResponse<byte[]> refused = get("/actuator/prometheus", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().allValues("WWW-Authenticate")).contains("Bearer", "Basic realm=\"Harbour\"");
        assertThat(text(refused)).contains("\"resourceType\":\"OperationOutcome\"");
        // a console POST without its CSRF token: 403 as an OperationOutcome, and audited
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/jolokia"))
                .header("Authorization", basic("admin", CONSOLE_PASSWORD)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"version\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.body()).contains("OperationOutcome", "CSRF");
        org.harbour.routes.audit.AuditTrail.Query denied = new org.harbour.routes.audit.AuditTrail.Query(null, null,
                java.util.List.of("access-denied"), null, null);
        long total = trail.search(denied, 0, 0).total();
        assertThat(trail.search(denied, 10, (int) Math.max(0, total - 10)).entries())
                .anySatisfy(e -> assertThat(e.getEntityFirstRep().getWhat().getDisplay()).isEqualTo("POST /jolokia"));
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.harbour.routes.audit.AuditTrail trail;

    @Test
    void aBrowserCanLogInToTheConsoleAndGetsTheCsrfCookieHawtioEchoes() throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/login")).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form", "name=\"username\"", "name=\"password\"", "name=\"_csrf\"");
        String csrf = page.body().replaceAll("(?s).*name=\"_csrf\"[^>]*value=\"([^\"]+)\".*", "$1");
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/login")).header("Content-Type", "application/x-www-form-urlencoded").POST(
                        HttpRequest.BodyPublishers.ofString("username=admin&password=" + java.net.URLEncoder.encode(
                                CONSOLE_PASSWORD, StandardCharsets.UTF_8) + "&_csrf=" + java.net.URLEncoder.encode(csrf,
                                StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        // the console's pages leave the CSRF token in a cookie, as Hawtio reads it for its Jolokia POSTs
        HttpResponse<String> console = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/hawtio/")).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(console.statusCode()).isEqualTo(200);
        java.util.Optional<java.net.HttpCookie> xsrf = cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("XSRF-TOKEN")).findFirst();
        assertThat(xsrf).isPresent();
        HttpResponse<String> jolokia = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/jolokia")).header("X-XSRF-TOKEN", xsrf.get().getValue()).header("Origin", "http://127.0.0.1:"
                + httpPort).POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jolokia.statusCode()).as(jolokia.body()).isEqualTo(200);
        assertThat(jolokia.body()).contains("\"agent\"");
    }
}
