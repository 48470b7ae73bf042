package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.harbour.connectors.mllp.MllpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with the hub as users run it: the built jar in its own JVM. The hub is killed
 * (SIGKILL) while senders are mid-stream, restarted on the same data directory, and every
 * message that was acknowledged AA must be in the message store exactly once; messages the
 * senders then resend (acknowledged or not) must not create duplicates. A graceful stop
 * (SIGTERM) mid-stream must lose nothing either.
 */
class CrashRecoveryIT {

    private static final String TOKEN = "crash-it-token";
    private static final int SENDERS = 8;
    private static final int MAX_PER_SENDER = 3000;

    @TempDir
    Path work;

    private Process hub;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private int httpPort;
    private int mllpPort;
    private int starts;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.destroyForcibly();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillAndGracefulStopExactlyOnce() throws Exception {
        httpPort = freePort();
        mllpPort = freePort();
        String sender = "CRASH-" + ProcessHandle.current().pid();
        startHub();

        // phase 1: kill -9 mid-stream
        Map<String, Integer> attempted = new ConcurrentHashMap<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        streamUntilStopped(sender, "K", attempted, acknowledged, () -> hub.destroyForcibly());
        assertThat(hub.waitFor() == 137 || hub.exitValue() != 0).isTrue();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400);

        startHub();
        resendEverything(sender, "K", attempted);

        // phase 2: graceful stop (SIGTERM) mid-stream
        streamUntilStopped(sender, "T", attempted, acknowledged, () -> hub.destroy());
        assertThat(hub.waitFor()).isIn(0, 143);
        // the stages finished their in-flight messages: the database stayed open until they had
        assertThat(Files.readString(hubLog)).doesNotContain("Database is already closed")
                .doesNotContain("Application exception overridden by rollback exception");

        startHub();
        resendEverything(sender, "T", attempted);

        Set<String> expected = new java.util.HashSet<>();
        attempted.forEach((stream, last) -> {
            for (int i = 0; i <= last; i++) {
                expected.add(stream + "-" + i);
            }
        });
        assertThat(expected).containsAll(acknowledged);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> storedCount(sender) >= expected.size());
        Map<String, Integer> stored = storedControlIds(sender);
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(stored).allSatisfy((id, copies) -> assertThat(copies).as(id).isEqualTo(1));
    }

    /**
     * Runs SENDERS concurrent senders; once enough messages are acknowledged, stops the hub
     * with {@code stop} and waits until every sender has lost its connection.
     */
    private void streamUntilStopped(String sender, String phase, Map<String, Integer> attempted,
            Set<String> acknowledged, Runnable stop) throws Exception {
        AtomicInteger acked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            String stream = phase + s;
            senders.add(pool.submit(() -> {
                try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort)) {
                    for (int i = 0; i < MAX_PER_SENDER; i++) {
                        String id = stream + "-" + i;
                        attempted.put(stream, i);
                        Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, id, "UNICODE UTF-8"))));
                        if ("AA".equals(ack.code())) {
                            acknowledged.add(id);
                            acked.incrementAndGet();
                        }
                    }
                } catch (IOException connectionLost) {
                    // the hub went away mid-stream: this sender will resend what was not acknowledged
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> acked.get() >= 400);
        stop.run();
        for (Future<?> f : senders) {
            f.get();
        }
        pool.shutdown();
    }

    /** After a restart, each sender resends everything it attempted, acknowledged or not. */
    private void resendEverything(String sender, String phase, Map<String, Integer> attempted) throws IOException {
        try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort)) {
            for (Map.Entry<String, Integer> stream : attempted.entrySet()) {
                if (!stream.getKey().startsWith(phase)) {
                    continue;
                }
                for (int i = 0; i <= stream.getValue(); i++) {
                    String id = stream.getKey() + "-" + i;
                    Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, id, "UNICODE UTF-8"))));
                    assertThat(ack.code()).as("resend of " + id).isEqualTo("AA");
                }
            }
        }
    }

    /** The running (or last stopped) hub's output. */
    private Path hubLog;

    private void startHub() throws IOException {
        Path jar = Path.of(System.getProperty("harbour.it.jar", "target/harbour.jar"));
        assertThat(jar).exists();
        Path log = work.resolve("hub-" + (++starts) + ".log");
        hubLog = log;
        hub = new ProcessBuilder("java", "-Xmx768m", "-jar", jar.toString(),
                "--harbour.data-dir=" + work.resolve("data"),
                "--server.port=" + httpPort,
                "--harbour.mllp.port=" + mllpPort,
                "--harbour.mllp.host=127.0.0.1",
                "--harbour.api.token=" + TOKEN,
                "--harbour.console.password=crash-it")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!hub.isAlive()) {
                throw new IllegalStateException("the hub exited during start-up:\n" + Files.readString(log));
            }
            return health().startsWith("{\"status\":\"UP\"");
        });
    }

    private String health() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private JsonNode page(String sender, int page) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/messages?sender=" + sender + "&size=500&page=" + page))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private long storedCount(String sender) throws IOException, InterruptedException {
        return page(sender, 0).get("total").asLong();
    }

    private Map<String, Integer> storedControlIds(String sender) throws IOException, InterruptedException {
        Map<String, Integer> copies = new HashMap<>();
        long total = storedCount(sender);
        for (int p = 0; (long) p * 500 < total; p++) {
            for (JsonNode item : page(sender, p).get("items")) {
                copies.merge(item.get("controlId").asText(), 1, Integer::sum);
            }
        }
        return copies;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
