package org.harbour.routes.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.connectors.tls.TestCertificates;
import org.harbour.connectors.tls.TlsContexts;
import org.harbour.routes.Acks;
import org.harbour.routes.HarbourApplication;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.RouteIds;
import org.harbour.routes.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub as production runs it: JWT bearer tokens from a real OIDC issuer on loopback
 * (mock-oauth2-server), SMART scopes per request, HTTPS and MLLP over TLS. 401 and 403 are
 * answered and audited; the static API token no longer works once an issuer is configured.
 */
@SpringBootTest(classes = HarbourApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "harbour.mllp.port=0",
            "harbour.mllp.host=127.0.0.1",
            "harbour.api.token=static-token-that-must-not-work",
            "harbour.auth.audience=harbour-hub",
            "server.ssl.enabled=true",
            "server.ssl.key-store-type=PKCS12",
            "harbour.mllp.tls.enabled=true"
        })
class OAuth2AndTlsTest {

    private static final MockOAuth2Server ISSUER = new MockOAuth2Server();
    private static final Path DIR = temporaryDirectory();
    private static final String AUDIENCE = "harbour-hub";

    static {
        ISSUER.start();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestCertificates.keyPair(DIR, "hub", "harbour-hub");
        TestCertificates.trustStore(DIR, "hub");
        String password = new String(TestCertificates.PASSWORD);
        registry.add("harbour.data-dir", () -> DIR.resolve("data").toString());
        registry.add("harbour.auth.issuer-uri", () -> ISSUER.issuerUrl("harbour").toString());
        registry.add("server.ssl.key-store", () -> DIR.resolve("hub.p12").toString());
        registry.add("server.ssl.key-store-password", () -> password);
        registry.add("harbour.mllp.tls.key-store", () -> DIR.resolve("hub.p12").toString());
        registry.add("harbour.mllp.tls.key-store-password", () -> password);
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.shutdown();
    }

    @LocalServerPort
    int port;

    @Autowired
    AuditTrail audit;

    @Autowired
    CamelContext camel;

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("harbour-oauth2-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trustingTheHub() throws Exception {
        return TlsContexts.create(null, null, DIR.resolve("trusts-hub.p12"), TestCertificates.PASSWORD);
    }

    private String token(String subject, String scope) {
        return ISSUER.issueToken("harbour", subject, AUDIENCE, Map.of("scope", scope)).serialize();
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingTheHub()).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private List<AuditEvent> audited(String subtype) {
        return audit.search(new AuditTrail.Query(null, null, List.of(subtype), null, null), 200, 0).entries();
    }

    @Test
    void withoutAValidTokenTheAnswerIs401AndTheAttemptIsAudited() throws Exception {
        int before = audited("login-failed").size();
        HttpResponse<String> none = get("/fhir/Patient?identifier=urn:harbour:id:hkid%7CA1234563", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.body()).contains("OperationOutcome", "no credentials");

        assertThat(get("/fhir/Patient/x", "static-token-that-must-not-work").statusCode()).isEqualTo(401);
        assertThat(get("/fhir/Patient/x", "not.a.jwt").statusCode()).isEqualTo(401);
        String otherIssuer = ISSUER.issueToken("elsewhere", "dr-chan", AUDIENCE, Map.of("scope", "system/*.read"))
                .serialize();
        assertThat(get("/fhir/Patient/x", otherIssuer).statusCode()).isEqualTo(401);
        String otherAudience = ISSUER.issueToken("harbour", "dr-chan", "another-service",
                Map.of("scope", "system/*.read")).serialize();
        HttpResponse<String> wrongAudience = get("/fhir/Patient/x", otherAudience);
        assertThat(wrongAudience.statusCode()).isEqualTo(401);
        assertThat(wrongAudience.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");

        // aggregated: the first of each reason this minute has its entry (with the request), the rest one count
        List<AuditEvent> failures = audited("login-failed");
        assertThat(failures).hasSize(before + 2);
        AuditEvent last = failures.get(failures.size() - 1);
        assertThat(last.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(last.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
        assertThat(last.getEntityFirstRep().getWhat().getDisplay()).isEqualTo("GET /fhir/Patient/x");
        assertThat(last.toString()).doesNotContain("static-token-that-must-not-work");
        authFailures.flushAll();
        List<AuditEvent> counted = audited("login-failed");
        assertThat(counted).hasSize(before + 3);
        assertThat(counted.get(counted.size() - 1).getOutcomeDesc()).startsWith("invalid bearer token: 3 more since ");
    }

    @org.springframework.beans.factory.annotation.Autowired
    private AuditingAuthFailures authFailures;

    @Test
    void aTokenWithoutTheScopeIs403AndAuditedUnderItsSubject() throws Exception {
        String labOnly = token("dr-chan-tai-man", "user/Observation.read");
        HttpResponse<String> denied = get("/fhir/Patient/abc", labOnly);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer error=\"insufficient_scope\", scope=\"system/Patient.read\"");
        assertThat(denied.body()).contains("needs the scope system/Patient.read");
        assertThat(get("/api/messages", labOnly).statusCode()).isEqualTo(403);
        assertThat(get("/api/patients/abc/disclosures", labOnly).statusCode()).isEqualTo(403);

        List<AuditEvent> denials = audited("access-denied");
        AuditEvent last = denials.get(denials.size() - 1);
        assertThat(last.getAgentFirstRep().getWho().getIdentifier().getValue())
                .matches("dr-chan-tai-man@localhost \\(client \\S+\\)");
        assertThat(last.getOutcomeDesc()).isEqualTo("needs scope system/AuditEvent.read");
    }

    @Test
    void aTokenWithTheScopeIsServedAndTheReadIsAuditedUnderItsSubject() throws Exception {
        String labReader = token("dr-lee", "system/Observation.read");
        HttpResponse<String> search = get("/fhir/Observation?patient=no-such-patient", labReader);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains("\"resourceType\":\"Bundle\"", "\"total\":0");
        List<AuditEvent> reads = audit.search(new AuditTrail.Query("no-such-patient", null, List.of(), null, null), 10, 0)
                .entries();
        assertThat(reads).isNotEmpty();
        assertThat(reads.get(reads.size() - 1).getAgentFirstRep().getWho().getIdentifier().getValue())
                .startsWith("dr-lee@");
        assertThat(get("/fhir/metadata", token("anyone", "openid")).statusCode()).isEqualTo(200);
        assertThat(get("/api/messages?size=1", token("ops", "harbour/messages.read")).statusCode()).isEqualTo(200);
        assertThat(get("/api/patients/no-such-patient/disclosures", token("dpo", "system/AuditEvent.read")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void consoleAndActuatorNeedTheAdminScope() throws Exception {
        assertThat(get("/jolokia/version", null).statusCode()).isEqualTo(401);
        assertThat(get("/jolokia/version", token("dr-lee", "system/*.*")).statusCode()).isEqualTo(403);
        assertThat(get("/jolokia/version", token("ops-admin", "harbour/admin")).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void mllpOverTlsIsAcknowledged() throws Exception {
        int mllpPort = MllpListeners.get(camel, RouteIds.MLLP_LISTENER).port();
        try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort, trustingTheHub().getSocketFactory(),
                Duration.ofSeconds(30))) {
            Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.adt("TLS-CLINIC", "TLS-0001"))));
            assertThat(ack.code()).isEqualTo("AA");
            assertThat(ack.controlId()).isEqualTo("TLS-0001");
        }
    }
}
