package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harbour.connectors.mllp.MllpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog in a small heap: the built hub in its own JVM with {@code -Xmx512m} takes
 * {@code harbour.it.backlog} messages (10,000 here; the 50,000 by hand) over 8
 * connections far faster than its stages store them. The broker keeps the backlog within
 * {@code harbour.broker.max-memory} (4 MB here, so it must page to disk) instead of the heap:
 * no OutOfMemoryError, and every message acknowledged AA is stored in the end.
 */
class BacklogMemoryIT {

    private static final String TOKEN = "backlog-it-token";
    private static final String CONSOLE_PASSWORD = "backlog-it";
    private static final int SENDERS = 8;
    private static final int MESSAGES = Integer.getInteger("harbour.it.backlog", 10_000);

    @TempDir
    Path work;

    private Process hub;
    private final HttpClient http = HttpClient.newHttpClient();
    private int httpPort;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.destroyForcibly();
        }
    }

    @Test
    void aBacklogLargerThanTheBrokersMemoryIsPagedAndEveryAcknowledgedMessageStored() throws Exception {
        httpPort = freePort();
        int mllpPort = freePort();
        Path log = work.resolve("hub.log");
        Path jar = Path.of(System.getProperty("harbour.it.jar", "target/harbour.jar"));
        hub = new ProcessBuilder("java", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(),
                "--harbour.data-dir=" + work.resolve("data"), "--server.port=" + httpPort,
                "--harbour.mllp.port=" + mllpPort, "--harbour.mllp.host=127.0.0.1", "--harbour.api.token=" + TOKEN,
                "--harbour.console.password=" + CONSOLE_PASSWORD, "--harbour.broker.max-memory=4MB")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(hub.isAlive()).as("the hub is running").isTrue();
            return get("/actuator/health").startsWith("{\"status\":\"UP\"");
        });

        String sender = "BACKLOG-" + ProcessHandle.current().pid();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean pagingSeen = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int stream = s;
            senders.add(pool.submit(() -> {
                try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort)) {
                    for (int i = stream; i < MESSAGES; i += SENDERS) {
                        Acks ack = Acks.parse(client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "B-" + i,
                                "UNICODE UTF-8"))));
                        assertThat(ack.code()).as("B-" + i).isEqualTo("AA");
                        acknowledged.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Future<?> watcher = pool.submit(() -> await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    pagingSeen.compareAndSet(false, metrics().contains("harbour_queue_paging 1.0"));
                    return pagingSeen.get() || acknowledged.get() >= MESSAGES;
                }));
        for (Future<?> s : senders) {
            s.get();
        }
        watcher.get();
        pool.shutdown();
        assertThat(acknowledged).hasValue(MESSAGES);

        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertThat(hub.isAlive()).as("the hub is running (no OutOfMemoryError)").isTrue();
            return storedCount(sender) >= MESSAGES;
        });
        assertThat(storedCount(sender)).isEqualTo(MESSAGES);
        assertThat(pagingSeen).as("the backlog outgrew the broker's memory and was paged").isTrue();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");

    private long storedCount(String sender) {
        Matcher m = TOTAL.matcher(get("/api/messages?sender=" + sender + "&size=1"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The Prometheus scrape (the console's login: metrics are not for API tokens). */
    private String metrics() {
        return get("/actuator/prometheus", "Basic " + java.util.Base64.getEncoder().encodeToString(
                ("admin:" + CONSOLE_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private String get(String path) {
        return get(path, "Bearer " + TOKEN);
    }

    private String get(String path, String authorization) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
