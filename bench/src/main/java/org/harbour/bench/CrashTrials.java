package org.harbour.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.harbour.connectors.mllp.MllpClient;

/**
 * Crash trials: the hub as users run it (the built jar, in a JVM of its own) is killed with
 * SIGKILL at a random moment while 8 MLLP connections send lab results as fast as it
 * acknowledges them, then restarted on the same data directory, {@code bench.trials} times in a
 * row. After each restart the senders resend the message they had in flight (as real senders do);
 * then the trial waits until everything acknowledged is stored and delivered, and checks:
 * every message acknowledged AA is in the message store exactly once; every result (each has a
 * consent permitting the webhook recipient) reached the recipient, and none under two delivery
 * ids (the same delivery id again is a retry the recipient recognises: {@code X-Harbour-Delivery}).
 * Reports per trial: messages acknowledged, restart to healthy, healthy to drained, and the
 * losses and duplicates found (all must be 0). Appends the table to docs/BENCHMARKS.md.
 *
 * <p>{@code -Dbench.profile=production}: the production profile, against an external Artemis
 * broker (in this JVM, over TCP: killing the hub does not touch it) and the local PostgreSQL (a
 * fresh schema, dropped afterwards). The static API token is allowed there for the trial's
 * queries (production otherwise takes OAuth2 tokens only; nothing else differs).
 */
public final class CrashTrials {

    private static final int CONNECTIONS = 8;
    private static final String TOKEN = "bench";
    private static final Pattern VALUE = Pattern.compile("(\\d+) mmol/L");
    /** Results of the trials have values from here (the consent set-up's are far below). */
    private static final long FIRST_VALUE = 10_000_000;
    private static final long DRAIN_LIMIT_SECONDS = Long.getLong("bench.drainLimit", 900);

    private final Path root;
    private final Path dataDir;
    private final boolean production;
    private final List<String> extraArgs;
    private final Random random;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Per result value: the delivery ids it reached the webhook under, and how many posts brought it. */
    private final Map<Long, Set<String>> deliveries = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> posts = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(FIRST_VALUE);
    private final int httpPort;
    private final int mllpPort;
    private final Map<String, String> environment = new HashMap<>();
    private final List<String> profileArgs = new ArrayList<>();
    private Process hub;
    private int starts;
    private Path hubLog;

    private CrashTrials(Path root, boolean production, List<String> extraArgs, long seed) throws IOException {
        this.root = root;
        this.production = production;
        this.extraArgs = extraArgs;
        this.random = new Random(seed);
        this.dataDir = Files.createTempDirectory("harbour-crash-trials-");
        this.httpPort = freePort();
        this.mllpPort = freePort();
    }

    public static void main(String[] args) throws Exception {
        // this JVM's own logging (the external broker's, with its audit of every message) at WARN: a log line per
        // message would take the CPU the hub is measured on
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        int trials = Integer.getInteger("bench.trials", 10);
        boolean production = "production".equals(System.getProperty("bench.profile", "embedded"));
        long seed = Long.getLong("bench.seed", 20261203L);
        List<String> extra = new ArrayList<>();
        for (String arg : List.of(args).subList(Math.min(1, args.length), args.length)) {
            if (!arg.isBlank() && !arg.equals("--harbour.bench=true")) {
                extra.add(arg);
            }
        }
        CrashTrials run = new CrashTrials(root, production, extra, seed);
        String report = run.run(trials, seed);
        System.out.println(report);
        Files.writeString(root.resolve("docs/BENCHMARKS.md"), report, StandardOpenOption.APPEND);
        System.exit(0);
    }

    /** One trial's figures. */
    private record Trial(int number, double killAfter, int acknowledged, int resent, double restartSeconds,
            double storedSeconds, double drainSeconds, int storedMissing, int storedTwice, int notDelivered, int deliveredTwice,
            int deliveryRetries) {
    }

    private String run(int trials, long seed) throws Exception {
        HttpServer receiver = webhook();
        EmbeddedActiveMQ broker = null;
        String schema = null;
        String pgUrl = System.getProperty("bench.postgresUrl", "jdbc:postgresql://127.0.0.1:5432/test");
        try {
            if (production) {
                int brokerPort = freePort();
                broker = externalBroker(brokerPort);
                schema = "harbour_crash_" + Long.toHexString(System.nanoTime());
                try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                }
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                environment.put("SPRING_PROFILES_ACTIVE", "production");
                environment.put("HARBOUR_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
                environment.put("HARBOUR_DATABASE_URL", pgUrl + "?currentSchema=" + schema);
                environment.put("HARBOUR_DATABASE_USER", "postgres");
                environment.put("HARBOUR_RECORDS_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
                new java.security.SecureRandom().nextBytes(key);
                environment.put("HARBOUR_AUDIT_SIGNING_KEY", Base64.getEncoder().encodeToString(key));
                profileArgs.addAll(List.of("--spring.flyway.schemas=" + schema, "--harbour.auth.static-token=true"));
            }
            profileArgs.addAll(List.of("--harbour.recipients.bench-doc.name=Dr Bench",
                    "--harbour.recipients.bench-doc.organization=bench",
                    "--harbour.recipients.bench-doc.endpoint.type=webhook",
                    "--harbour.recipients.bench-doc.endpoint.url=http://127.0.0.1:" + receiver.getAddress().getPort()
                            + "/hook",
                    "--harbour.recipients.bench-doc.endpoint.secret=bench-secret",
                    "--harbour.recipients.bench-doc.endpoint.disclosure=full"));
            startHub();
            // one result per patient, so the patients exist, and a consent each permitting the recipient
            DeliveryBenchmark.prepare(mllpPort, httpPort);
            List<Trial> done = new ArrayList<>();
            for (int t = 1; t <= trials; t++) {
                Trial trial = trial(t);
                System.out.println(row(trial));
                done.add(trial);
            }
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
            return report(done, seed);
        } finally {
            if (hub != null && hub.isAlive()) {
                hub.destroyForcibly();
            }
            receiver.stop(0);
            if (broker != null) {
                broker.stop();
            }
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "");
                        Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            DeliveryBenchmark.deleteTree(dataDir);
        }
    }

    private Trial trial(int number) throws Exception {
        String sender = "CRASH" + number;
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> inFlight = new ConcurrentHashMap<>();
        AtomicInteger acks = new AtomicInteger();
        double killAfter = 2 + random.nextDouble() * Double.parseDouble(System.getProperty("bench.killWindow", "10"));
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> senders = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int connection = c;
            senders.add(pool.submit(() -> {
                try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort)) {
                    while (true) {
                        long value = sequence.incrementAndGet();
                        inFlight.put(connection, value);
                        if (send(client, sender, value)) {
                            acknowledged.add(value);
                            acks.incrementAndGet();
                        }
                    }
                } catch (IOException connectionLost) {
                    // the hub went away: this connection resends what it had in flight after the restart
                }
                return null;
            }));
        }
        long loadStart = System.nanoTime();
        Thread.sleep((long) (killAfter * 1000));
        hub.destroyForcibly();
        hub.waitFor();
        for (Future<?> s : senders) {
            s.get();
        }
        pool.shutdown();

        long restart = System.nanoTime();
        startHub();
        double restartSeconds = (System.nanoTime() - restart) / 1e9;
        long healthy = System.nanoTime();
        int resent = 0;
        try (MllpClient client = MllpClient.connect("127.0.0.1", mllpPort)) {
            for (long value : inFlight.values()) {
                if (!acknowledged.contains(value)) {
                    if (!send(client, sender, value)) {
                        throw new IllegalStateException("the resend of " + value + " was not acknowledged AA");
                    }
                    acknowledged.add(value);
                    resent++;
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_LIMIT_SECONDS);
        double storedSeconds = -1;
        while (System.nanoTime() < deadline) {
            boolean allStored = storedSeconds >= 0 || storedCount(sender) >= acknowledged.size();
            if (allStored && storedSeconds < 0) {
                storedSeconds = (System.nanoTime() - healthy) / 1e9;
            }
            if (allStored && deliveries.keySet().containsAll(acknowledged)) {
                break;
            }
            Thread.sleep(250);
        }
        double drainSeconds = (System.nanoTime() - healthy) / 1e9;
        Map<String, Integer> stored = storedControlIds(sender);
        int missing = 0;
        int notDelivered = 0;
        int deliveredTwice = 0;
        int retries = 0;
        for (long value : acknowledged) {
            if (!stored.containsKey("D" + value)) {
                missing++;
            }
            Set<String> ids = deliveries.get(value);
            if (ids == null) {
                notDelivered++;
            } else {
                deliveredTwice += ids.size() > 1 ? 1 : 0;
                retries += posts.get(value).get() - ids.size();
            }
        }
        int twice = (int) stored.values().stream().filter(copies -> copies > 1).count();
        if (missing > 0 || notDelivered > 0) {
            System.out.printf(Locale.ROOT, "trial %d: %d acknowledged not stored, %d not delivered after %.0f s; hub log %s%n",
                    number, missing, notDelivered, drainSeconds, hubLog);
        }
        System.out.printf(Locale.ROOT, "trial %d: load for %.1f s before the kill%n", number,
                (restart - loadStart) / 1e9);
        return new Trial(number, killAfter, acknowledged.size() - resent, resent, restartSeconds, storedSeconds,
                drainSeconds, missing,
                twice, notDelivered, deliveredTwice, retries);
    }

    private static boolean send(MllpClient client, String sender, long value) throws IOException {
        int patient = (int) (value % DeliveryBenchmark.PATIENTS);
        String ack = new String(client.send(DeliveryBenchmark.oru(sender, patient, value)
                .getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return ack.contains("MSA|AA|");
    }

    private HttpServer webhook() throws IOException {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/hook", exchange -> {
            String delivery = exchange.getRequestHeaders().getFirst("X-Harbour-Delivery");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VALUE.matcher(body);
            while (m.find()) {
                long value = Long.parseLong(m.group(1));
                if (value > FIRST_VALUE) {
                    deliveries.computeIfAbsent(value, v -> ConcurrentHashMap.newKeySet()).add(String.valueOf(delivery));
                    posts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return receiver;
    }

    private EmbeddedActiveMQ externalBroker(int port) throws Exception {
        Path dir = dataDir.resolve("external-broker");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port));
        broker.start();
        return broker;
    }

    private void startHub() throws Exception {
        Path jar = root.resolve("routes/target/harbour.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the hub first: ./mvnw -q -DskipTests install (" + jar + ")");
        }
        hubLog = dataDir.resolveSibling(dataDir.getFileName() + "-hub-" + (++starts) + ".log");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g", "-jar", jar.toString(),
                "--harbour.data-dir=" + dataDir, "--server.port=" + httpPort, "--harbour.mllp.port=" + mllpPort,
                "--harbour.mllp.host=127.0.0.1", "--harbour.api.token=" + TOKEN, "--harbour.console.password=bench",
                "--logging.level.root=WARN"));
        command.addAll(profileArgs);
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(hubLog.toFile());
        builder.environment().putAll(environment);
        hub = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!health().startsWith("{\"status\":\"UP\"")) {
            if (!hub.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub did not start; its log: " + hubLog);
            }
            Thread.sleep(100);
        }
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

    private String page(String sender, int page) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/api/messages?sender=" + sender + "&size=500&page=" + page))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/messages answered " + response.statusCode());
        }
        return response.body();
    }

    private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");
    private static final Pattern CONTROL_ID = Pattern.compile("\"controlId\":\"([^\"]+)\"");

    private long storedCount(String sender) throws IOException, InterruptedException {
        Matcher m = TOTAL.matcher(page(sender, 0));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private Map<String, Integer> storedControlIds(String sender) throws IOException, InterruptedException {
        Map<String, Integer> copies = new HashMap<>();
        long total = storedCount(sender);
        for (int p = 0; (long) p * 500 < total; p++) {
            Matcher m = CONTROL_ID.matcher(page(sender, p));
            while (m.find()) {
                copies.merge(m.group(1), 1, Integer::sum);
            }
        }
        return copies;
    }

    private static String row(Trial t) {
        return String.format(Locale.ROOT, "| %d | %.1f | %d | %d | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d |%n",
                t.number(), t.killAfter(), t.acknowledged(), t.resent(), t.restartSeconds(), t.storedSeconds(),
                t.drainSeconds(), t.storedMissing(),
                t.storedTwice(), t.notDelivered(), t.deliveredTwice(), t.deliveryRetries());
    }

    private String report(List<Trial> trials, long seed) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n## Crash trials (kill -9 under load), %s%n%n"
                        + "Machine: %s, %d cores, Java %s; host %s. Hub: the built jar in its own JVM (-Xmx1g), %s;"
                        + " one webhook recipient on loopback, %d patients each with a consent permitting it. Per trial:"
                        + " %d MLLP connections send ORU^R01 results as fast as they are acknowledged; SIGKILL at a random"
                        + " moment (seed %d); restart on the same data directory; each connection resends the message it"
                        + " had in flight; then wait until every acknowledged message is stored and delivered. Restart:"
                        + " process start to health UP. Stored, delivered: health UP to every acknowledged message in"
                        + " the message store, and to every one's result at the recipient (the journal drained through"
                        + " every stage). Losses and"
                        + " duplicates must all be 0; a delivery retry is the same delivery id again (a recipient"
                        + " recognises it).%n%n"
                        + "| trial | kill after s | acknowledged AA | resent after restart | restart s | stored s | delivered s"
                        + " | acknowledged not stored | stored twice | not delivered | delivered under two ids"
                        + " | delivery retries |%n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), production
                        ? "production profile (external Artemis over TCP, PostgreSQL on the same machine)"
                        : "embedded default (Artemis with journal sync, H2)",
                DeliveryBenchmark.PATIENTS, CONNECTIONS, seed));
        for (Trial t : trials) {
            out.append(row(t));
        }
        long acked = trials.stream().mapToLong(Trial::acknowledged).sum();
        long lost = trials.stream().mapToLong(t -> t.storedMissing() + t.notDelivered()).sum();
        long doubled = trials.stream().mapToLong(t -> t.storedTwice() + t.deliveredTwice()).sum();
        double[] restarts = trials.stream().mapToDouble(Trial::restartSeconds).sorted().toArray();
        double[] stored = trials.stream().mapToDouble(Trial::storedSeconds).sorted().toArray();
        double[] drains = trials.stream().mapToDouble(Trial::drainSeconds).sorted().toArray();
        out.append(String.format(Locale.ROOT, "%n%d trials, %d messages acknowledged: %d lost, %d duplicated."
                        + " Restart to healthy %.1f–%.1f s (median %.1f); then all stored %.1f–%.1f s (median %.1f),"
                        + " all delivered %.1f–%.1f s (median %.1f).%n",
                trials.size(), acked, lost, doubled, restarts[0], restarts[restarts.length - 1],
                restarts[restarts.length / 2], stored[0], stored[stored.length - 1], stored[stored.length / 2],
                drains[0], drains[drains.length - 1], drains[drains.length / 2]));
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
