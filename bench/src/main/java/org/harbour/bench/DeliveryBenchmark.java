package org.harbour.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.HarbourApplication;
import org.harbour.routes.RouteIds;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * End-to-end latency, MLLP receipt to a webhook's 2xx, with consent checks on: the hub on its
 * embedded default with one webhook recipient (a local HTTP server), patients with consents
 * permitting it, and lab results sent at a steady rate. Each result carries its sequence number
 * as its value, so the webhook's arrival time is matched to the scheduled send time. Appends
 * p50/p99 per rate to docs/BENCHMARKS.md (argument: repository root).
 */
public final class DeliveryBenchmark {

    static final int PATIENTS = 50;
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
    /** A long-running hub's code is compiled; a fresh JVM's is not: this long at a moderate rate first. */
    private static final Duration JIT_WARMUP = Duration.ofSeconds(Long.getLong("bench.jitWarmup", 180));
    private static final int JIT_WARMUP_RATE = Integer.getInteger("bench.jitWarmupRate", 100);
    private static final Pattern VALUE = Pattern.compile("(\\d+) mmol/L");

    private static final Map<Long, Long> ARRIVED = new ConcurrentHashMap<>();

    private DeliveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VALUE.matcher(body);
            while (m.find()) {
                ARRIVED.putIfAbsent(Long.parseLong(m.group(1)), now);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        // -Dbench.destination=mllp: the recipient is a clinic EMR, HAPI's own MLLP server, timed at its ACK
        boolean toMllp = "mllp".equals(System.getProperty("bench.destination"));
        int emrPort = freePort();
        ca.uhn.hl7v2.app.HL7Service emr = toMllp ? hapiReceiver(emrPort) : null;
        Path dataDir = Files.createTempDirectory("harbour-delivery-bench-");
        List<String> hubArgs = new ArrayList<>(List.of("--harbour.data-dir=" + dataDir, "--harbour.mllp.port=0",
                "--harbour.mllp.host=127.0.0.1", "--server.port=0", "--harbour.api.token=bench",
                "--harbour.console.password=bench", "--logging.level.root=WARN",
                "--harbour.recipients.bench-doc.name=Dr Bench", "--harbour.recipients.bench-doc.organization=bench"));
        if (toMllp) {
            hubArgs.addAll(List.of("--harbour.recipients.bench-doc.endpoint.type=mllp",
                    "--harbour.recipients.bench-doc.endpoint.host=127.0.0.1",
                    "--harbour.recipients.bench-doc.endpoint.port=" + emrPort));
        } else {
            hubArgs.addAll(List.of("--harbour.recipients.bench-doc.endpoint.type=webhook",
                    "--harbour.recipients.bench-doc.endpoint.url=http://127.0.0.1:" + receiver.getAddress().getPort()
                            + "/hook",
                    "--harbour.recipients.bench-doc.endpoint.secret=bench-secret",
                    "--harbour.recipients.bench-doc.endpoint.disclosure=full"));
        }
        hubArgs.addAll(List.of(args).subList(Math.min(1, args.length), args.length));
        ConfigurableApplicationContext hub = SpringApplication.run(HarbourApplication.class, hubArgs.toArray(String[]::new));
        StringBuilder report = new StringBuilder(header(hubArgs.stream().anyMatch(a -> a.contains("postgresql"))
                ? "embedded Artemis, PostgreSQL 15 on the same machine" : "embedded default (Artemis, H2)", toMllp));
        try {
            int mllp = MllpListeners.get(hub.getBean(CamelContext.class), RouteIds.MLLP_LISTENER).port();
            int http = ((WebServerApplicationContext) hub).getWebServer().getPort();
            prepare(mllp, http);
            if (!JIT_WARMUP.isZero()) {
                System.out.printf(Locale.ROOT, "warming up: %d msgs/s for %d s%n", JIT_WARMUP_RATE, JIT_WARMUP.toSeconds());
                Map<Long, Long> warm = new ConcurrentHashMap<>();
                FixedRate.run(mllp, JIT_WARMUP_RATE, 4, Duration.ZERO, JIT_WARMUP, (client, connection, i, at, measured) -> {
                    long value = SEQUENCE.incrementAndGet();
                    client.send(oru((int) ((connection * 7919 + i) % PATIENTS), value).getBytes(StandardCharsets.UTF_8));
                    warm.put(value, at);
                });
                awaitArrival(warm.keySet());
            }
            report.append("| offered rate, msgs/s | sent in the measured window | delivered | p50 ms | p99 ms | max ms"
                    + " | of which MLLP ACK p50 / p99 ms | CPU / GC ms a message |\n");
            report.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            StringBuilder commits = new StringBuilder();
            for (String rate : System.getProperty("bench.rates", "20,200").split(",")) {
                Map<String, double[]> before = commitBatches();
                long first = SEQUENCE.get();
                String row = run(mllp, Integer.parseInt(rate.trim()));
                System.out.print(row);
                report.append(row);
                commits.append(commitsPerMessage(rate.trim(), before, commitBatches(), SEQUENCE.get() - first));
            }
            System.out.print(commits);
            report.append(commits);
            report.append(rowsPerMessage(hub.getBean(org.springframework.jdbc.core.JdbcTemplate.class),
                    SEQUENCE.get() - FIRST_VALUE));
            report.append(databaseFileSize(dataDir.resolve("db/harbour.mv.db"), SEQUENCE.get() - FIRST_VALUE));
        } finally {
            hub.close();
            receiver.stop(0);
            if (emr != null) {
                emr.stopAndWait();
            }
            deleteTree(dataDir);
        }
        System.out.println(report);
        Files.writeString(root.resolve("docs/BENCHMARKS.md"), report, StandardOpenOption.APPEND);
        System.exit(0);
    }

    private static final long FIRST_VALUE = 1_000_000;
    private static final AtomicLong SEQUENCE = new AtomicLong(FIRST_VALUE);

    /** Per database committer of the hub: batches committed and items in them, so far. */
    private static Map<String, double[]> commitBatches() {
        Map<String, double[]> out = new java.util.TreeMap<>();
        for (io.micrometer.core.instrument.DistributionSummary s : io.micrometer.core.instrument.Metrics.globalRegistry
                .find("harbour.commit.batch.items").summaries()) {
            out.merge(s.getId().getTag("committer"), new double[] {s.count(), s.totalAmount()},
                    (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
        }
        return out;
    }

    /** How many commits each committer made per message sent at one rate, and how many items each held. */
    static String commitsPerMessage(String rate, Map<String, double[]> before, Map<String, double[]> after,
            long messages) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nCommits at %s msgs/s (%d messages):",
                rate, messages));
        after.forEach((name, now) -> {
            double[] was = before.getOrDefault(name, new double[2]);
            double batches = now[0] - was[0];
            double items = now[1] - was[1];
            if (batches > 0) {
                out.append(String.format(Locale.ROOT, " %s %.2f a message (%.1f items each);", name,
                        batches / Math.max(1, messages), items / batches));
            }
        });
        return out.append('\n').toString();
    }

    /** The tables a message writes to, in the order of the stages. */
    private static final List<String> TABLES = List.of("message", "message_raw", "message_key", "message_report",
            "fhir_resource", "fhir_resource_version", "fhir_token", "patient_link", "lab_result", "audit_event",
            "delivery_receipt");

    /** Rows in each table after the run, per message received: what a message costs the database. */
    static String rowsPerMessage(org.springframework.jdbc.core.JdbcTemplate jdbc, long messages) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nRows per message received (%d messages, warm-up included):", messages));
        double total = 0;
        for (String table : TABLES) {
            Long rows = jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
            double each = rows == null ? 0 : (double) rows / messages;
            total += each;
            out.append(String.format(Locale.ROOT, " %s %.2f;", table, each));
        }
        return out.append(String.format(Locale.ROOT, " all %.2f.%n", total)).toString();
    }

    /**
     * The embedded database's file size after the run, per message received (the hub on H2 only):
     * H2 writes a new chunk of its file on every commit, so sustained load grows the file far
     * beyond the data it holds.
     */
    static String databaseFileSize(Path file, long messages) throws IOException {
        if (!Files.exists(file) || messages <= 0) {
            return "";
        }
        long bytes = Files.size(file);
        return String.format(Locale.ROOT, "%nEmbedded database file after the run (warm-up included, %d messages):"
                + " %.0f MB, %.0f KB a message.%n", messages, bytes / 1e6, bytes / 1e3 / messages);
    }

    /** Removes the run's data directory (broker journal and database: gigabytes after a long run). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static String oru(int patient, long value) {
        return oru("BENCH", patient, value);
    }

    /** A potassium result whose value is {@code value}, control id D + value, from sending facility {@code facility}. */
    static String oru(String facility, int patient, long value) {
        String hkid = Hkid.complete("B", String.format(Locale.ROOT, "%06d", 500000 + patient));
        String id = "D" + value;
        return "MSH|^~\\&|MEDILINK|" + facility + "|HARBOUR|HUB|20261122093000+0800||ORU^R01^ORU_R01|" + id
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||BN-" + patient + "^^^BENCH^MR~" + hkid + "^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r"
                + "ORC|RE|ORD" + id + "|LAB" + id + "\r"
                + "OBR|1|ORD" + id + "|LAB" + id + "|2823-3^Potassium^LN|||20261122083000+0800\r"
                + "OBX|1|NM|2823-3^Potassium [Moles/volume] in Serum or Plasma^LN||" + value + "|mmol/L^mmol/L^UCUM|"
                + "3.5-5.1|N|||F|||20261122083000+0800\r";
    }

    /** One result per patient (so the patients exist), then a consent per patient for the recipient. */
    static void prepare(int mllp, int http) throws Exception {
        try (MllpClient client = MllpClient.connect("127.0.0.1", mllp)) {
            for (int p = 0; p < PATIENTS; p++) {
                client.send(oru(p, SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            }
        }
        HttpClient web = HttpClient.newHttpClient();
        for (int p = 0; p < PATIENTS; p++) {
            String hkid = Hkid.complete("B", String.format(Locale.ROOT, "%06d", 500000 + p));
            String patient = null;
            for (int tries = 0; patient == null && tries < 600; tries++) {
                String body = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                        + "/fhir/Patient?identifier=urn:harbour:id:hkid%7C" + hkid)).header("Authorization", "Bearer bench")
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\"resourceType\":\"Patient\",\"id\":\"([^\"]+)\"").matcher(body);
                if (m.find()) {
                    patient = m.group(1);
                } else {
                    Thread.sleep(100);
                }
            }
            String consent = "{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{\"system\":"
                    + "\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
                    + "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],"
                    + "\"patient\":{\"reference\":\"Patient/" + patient + "\"},\"policyRule\":{\"coding\":[{\"system\":"
                    + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},\"provision\":{\"type\":"
                    + "\"permit\",\"actor\":[{\"role\":{\"coding\":[{\"system\":"
                    + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
                    + "\"reference\":{\"reference\":\"Practitioner/bench-doc\"}}]}}";
            HttpResponse<String> put = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/fhir/Consent/bench-" + p)).header("Authorization", "Bearer bench")
                    .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(consent))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() >= 300) {
                throw new IllegalStateException("consent refused: " + put.body());
            }
        }
    }

    /** Sends at a fixed rate over 4 connections; waits for every measured result to arrive (up to 10 minutes). */
    private static String run(int mllp, int rate) throws Exception {
        Map<Long, Long> scheduled = new ConcurrentHashMap<>();
        Map<Long, Long> acked = new ConcurrentHashMap<>();
        long firstValue = SEQUENCE.get();
        long cpuBefore = processCpuNanos();
        long gcBefore = gcMillis();
        FixedRate.run(mllp, rate, 4, WARMUP, MEASURE, (client, connection, i, at, measured) -> {
            long value = SEQUENCE.incrementAndGet();
            client.send(oru((int) ((connection * 7919 + i) % PATIENTS), value).getBytes(StandardCharsets.UTF_8));
            if (measured) {
                scheduled.put(value, at);
                acked.put(value, System.nanoTime());
            }
        });
        awaitArrival(scheduled.keySet());
        long sent = Math.max(1, SEQUENCE.get() - firstValue);
        double cpuPerMessage = (processCpuNanos() - cpuBefore) / 1e6 / sent;
        double gcPerMessage = (double) (gcMillis() - gcBefore) / sent;
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(20), 3);
        Histogram ack = new Histogram(TimeUnit.MINUTES.toMicros(20), 3);
        long delivered = 0;
        for (Map.Entry<Long, Long> e : scheduled.entrySet()) {
            Long at = ARRIVED.get(e.getKey());
            ack.recordValue(Math.max(1, (acked.get(e.getKey()) - e.getValue()) / 1000));
            if (at != null) {
                latency.recordValue(Math.max(1, (at - e.getValue()) / 1000));
                delivered++;
            }
        }
        printTimeline(scheduled);
        return String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f / %.1f | %.2f / %.2f |%n", rate,
                scheduled.size(),
                delivered, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0, ack.getValueAtPercentile(50) / 1000.0,
                ack.getValueAtPercentile(99) / 1000.0, cpuPerMessage, gcPerMessage);
    }

    /** The worst latency of each second of the measured window (on the console only): a stall shows as a run of seconds. */
    private static void printTimeline(Map<Long, Long> scheduled) {
        long start = scheduled.values().stream().mapToLong(Long::longValue).min().orElse(0);
        java.util.TreeMap<Long, Long> worst = new java.util.TreeMap<>();
        scheduled.forEach((value, at) -> {
            Long arrived = ARRIVED.get(value);
            if (arrived != null) {
                worst.merge((at - start) / 1_000_000_000L, (arrived - at) / 1_000_000L, Math::max);
            }
        });
        long uptimeAtStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                - (System.nanoTime() - start) / 1_000_000L;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "worst latency per second from JVM uptime %.1f s, ms:", uptimeAtStart / 1000.0));
        worst.values().forEach(ms -> line.append(' ').append(ms));
        System.out.println(line);
    }

    /** CPU time of this whole JVM so far (hub, senders and receiver): per message, the cost that sets the rate two cores can sustain. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Time the garbage collectors have taken so far (pauses and concurrent work as the JVM counts it). */
    private static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Waits until these results have reached the webhook (up to 10 minutes). */
    private static void awaitArrival(java.util.Set<Long> values) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline && !ARRIVED.keySet().containsAll(values)) {
            Thread.sleep(200);
        }
    }

    /**
     * HAPI's MLLP server as the clinic EMR: each result's arrival noted (by its value in OBX-5)
     * when HAPI has parsed it, just before its ACK goes back.
     */
    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ca.uhn.hl7v2.app.HL7Service hapiReceiver(int port) throws Exception {
        ca.uhn.hl7v2.HapiContext hapi = new ca.uhn.hl7v2.DefaultHapiContext();
        hapi.setLowerLayerProtocol(new ca.uhn.hl7v2.llp.MinLowerLayerProtocol(true));
        // its ACKs' control ids from memory: HAPI's default keeps a counter file in the working directory
        hapi.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
        ca.uhn.hl7v2.app.HL7Service server = hapi.newServer(port, false);
        server.registerApplication("*", "*", new ca.uhn.hl7v2.protocol.ReceivingApplication<ca.uhn.hl7v2.model.Message>() {
            @Override
            public ca.uhn.hl7v2.model.Message processMessage(ca.uhn.hl7v2.model.Message message,
                    Map<String, Object> metadata) throws ca.uhn.hl7v2.HL7Exception {
                long now = System.nanoTime();
                String value = new ca.uhn.hl7v2.util.Terser(message).get(
                        "/PATIENT_RESULT/ORDER_OBSERVATION/OBSERVATION/OBX-5");
                if (value != null && value.matches("\\d+")) {
                    ARRIVED.putIfAbsent(Long.parseLong(value), now);
                }
                try {
                    return message.generateACK();
                } catch (IOException e) {
                    throw new ca.uhn.hl7v2.HL7Exception(e);
                }
            }

            @Override
            public boolean canProcess(ca.uhn.hl7v2.model.Message message) {
                return true;
            }
        });
        server.startAndWait();
        return server;
    }

    private static String header(String stack, boolean toMllp) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        return String.format(Locale.ROOT, "%n## End-to-end delivery latency (MLLP receipt → %s), %s%n%n"
                        + "Machine: %s, %d cores, Java %s; host %s. Hub: %s; %s"
                        + " on loopback; %d patients each with a permitting consent, checked"
                        + " at disclose and again at delivery. ORU^R01 potassium results over 4 MLLP connections at a"
                        + " steady offered rate; %s%d s warm-up, %d s measured; latency from each message's scheduled"
                        + " send time to its receipt.%n%n",
                toMllp ? "the EMR's ACK, MLLP out" : "webhook 2xx", LocalDate.now(), cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), stack, toMllp
                        ? "one clinic EMR recipient, HAPI's own MLLP server (HL7Service), each result written as HL7 v2"
                        + " 2.5.1 and sent on a connection of its own, timed when HAPI has parsed it"
                        : "one webhook recipient (full disclosure, signed)", PATIENTS, JIT_WARMUP.isZero() ? ""
                        : String.format(Locale.ROOT, "after a %d s warm-up of the hub at %d msgs/s (compiled code, as in a"
                                + " hub that has been running), each rate with a ", JIT_WARMUP.toSeconds(), JIT_WARMUP_RATE),
                WARMUP.toSeconds(), MEASURE.toSeconds());
    }
}
