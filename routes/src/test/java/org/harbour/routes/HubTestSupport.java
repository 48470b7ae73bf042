package org.harbour.routes;

import static org.awaitility.Awaitility.await;

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
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.routes.store.MessageQuery;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.store.StoredMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hub as one Spring context on the embedded broker and an H2 file database in a temporary
 * data directory, with the MLLP listener and HTTP on free ports. Shared by the route tests (the
 * context is cached between test classes).
 */
// metrics exported as in production (Spring Boot tests turn exporters off by default)
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = HarbourApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "harbour.mllp.port=0",
            "harbour.mllp.host=127.0.0.1",
            // two further listeners: one with the main one's resend key, one whose keys are its own
            "harbour.mllp.listeners.lab.port=0",
            "harbour.mllp.listeners.clinic.port=0",
            "harbour.mllp.listeners.clinic.resend-key=listener,MSH-3,MSH-4,MSH-10",
            // every test connects from 127.0.0.1, and connections of earlier tests may not be closed yet
            "harbour.mllp.max-connections-per-address=256",
            // a developer's disk may have less than the production minimum free (DiskNearlyFullTest tests the guard)
            "harbour.ingest.min-free-disk=10MB",
            // every test's requests come from 127.0.0.1, refused ones included: the source lockout is LoginThrottleTest's
            "harbour.auth.lockout.source-failures=1000000",
            "harbour.api.token=" + HubTestSupport.API_TOKEN,
            "harbour.console.password=" + HubTestSupport.CONSOLE_PASSWORD,
            "harbour.stages.redelivery.initial-delay=10ms",
            "harbour.stages.redelivery.maximum-attempts=2"
        })
public abstract class HubTestSupport {

    public static final String API_TOKEN = "test-api-token-0123456789";
    public static final String CONSOLE_PASSWORD = "test-console-password";

    private static final Path DATA_DIR = temporaryDataDir();

    @Autowired
    protected CamelContext camel;

    @Autowired
    protected MessageStore store;

    @Autowired
    protected JmsTemplate jms;

    @LocalServerPort
    protected int httpPort;

    protected final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("harbour.data-dir", DATA_DIR::toString);
    }

    /**
     * For a test class whose hub differs from the shared one (other properties): its own broker
     * journal and database, or the two hubs would wait on each other's file locks
     * (harbour.data-dir itself stays the shared test directory).
     */
    protected static void ownBrokerAndDatabase(DynamicPropertyRegistry registry, String name) throws IOException {
        Path own = Files.createTempDirectory("harbour-" + name + "-");
        registry.add("spring.artemis.embedded.data-directory", () -> own.resolve("broker").toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + own.resolve("db/harbour")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=64");
    }

    private static Path temporaryDataDir() {
        try {
            return Files.createTempDirectory("harbour-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sender (MSH-4) unique to one test, so tests sharing the hub do not see each other. */
    protected static String uniqueSender(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected int mllpPort() {
        return MllpListeners.get(camel, RouteIds.MLLP_LISTENER).port();
    }

    protected MllpClient connect() throws IOException {
        return MllpClient.connect("127.0.0.1", mllpPort());
    }

    /** A client of a further listener ({@code harbour.mllp.listeners.<name>}). */
    protected MllpClient connect(String listener) throws IOException {
        return MllpClient.connect("127.0.0.1", MllpListeners.get(camel, RouteIds.mllpListener(listener)).port());
    }

    /** The stored messages of one sender (up to 500). */
    protected List<StoredMessage> storedFrom(String sender) {
        return store.find(new MessageQuery(null, sender, null, null, null, 0, MessageQuery.MAX_SIZE));
    }

    protected List<StoredMessage> storedFrom(String sender, MessageStatus status) {
        return store.find(new MessageQuery(null, sender, null, status, null, 0, MessageQuery.MAX_SIZE));
    }

    protected long countFrom(String sender) {
        return store.count(new MessageQuery(null, sender, null, null, null, 0, 1));
    }

    /**
     * Waits until the store has {@code expected} messages from the sender: at least a minute, and
     * for a large batch as long as the store-and-translate stage takes at 40 msgs/s (it takes each
     * message through translation, dedup and publishing before the next, on 2 cores).
     */
    protected void awaitStored(String sender, long expected) {
        await().atMost(Duration.ofSeconds(Math.max(60, expected / 40))).pollInterval(Duration.ofMillis(50))
                .until(() -> countFrom(sender) >= expected);
    }

    /** Waits until nothing is waiting on, or being taken from, the inbound queue. */
    protected void awaitInboundDrained() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                camel.getInflightRepository().size(RouteIds.STORE) == 0
                        && Boolean.TRUE.equals(jms.browse(RouteIds.INBOUND_QUEUE, (session, browser) ->
                                !browser.getEnumeration().hasMoreElements())));
    }

    protected HttpResponse<byte[]> get(String path, String authorization) {
        return send("GET", path, authorization);
    }

    /** Sends a JSON body with the API token (PUT or POST of FHIR resources). */
    protected HttpResponse<String> sendJson(String method, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .header("Authorization", "Bearer " + API_TOKEN).header("Content-Type", "application/fhir+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a message for the patient with this HKID has been stored; returns the hub Patient id. */
    protected String hubPatient(String hkid) {
        java.util.regex.Pattern patient = java.util.regex.Pattern.compile("\"resourceType\":\"Patient\",\"id\":\"([^\"]+)\"");
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            java.util.regex.Matcher m = patient.matcher(text(getWithToken(
                    "/fhir/Patient?identifier=urn:harbour:id:hkid%7C" + hkid)));
            id[0] = m.find() ? m.group(1) : null;
            return id[0] != null;
        });
        return id[0];
    }

    protected HttpResponse<byte[]> postWithToken(String path) {
        return send("POST", path, "Bearer " + API_TOKEN);
    }

    private HttpResponse<byte[]> send(String method, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<byte[]> getWithToken(String path) {
        return get(path, "Bearer " + API_TOKEN);
    }

    protected static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
