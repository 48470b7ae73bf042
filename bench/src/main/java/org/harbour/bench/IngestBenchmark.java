package org.harbour.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.routes.HarbourApplication;
import org.harbour.routes.RouteIds;
import org.harbour.routes.ingest.InboundMetadata;
import org.harbour.routes.support.EmbeddedBrokerWriter;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Durable ingest benchmark (issue: runnable hub). Starts the hub in this JVM on a fresh data
 * directory (embedded Artemis, journal sync on, H2), then measures:
 * <ol>
 * <li>the ceiling: raw persistent JMS sends to the same embedded broker, 1/16/64 producers;</li>
 * <li>MLLP ingest: messages ACKed AA per second, 1/16/64 connections, 2–4 KB ORU messages;</li>
 * <li>ACK latency (p50/p99) at a fixed 500 msgs/s over 16 connections.</li>
 * </ol>
 * Appends the figures, date and machine to docs/BENCHMARKS.md (argument: repository root).
 */
public final class IngestBenchmark {

    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));
    /** Both paths run this long (half each, 16 connections) before any row, so the JIT has compiled them. */
    private static final Duration JIT_WARMUP = Duration.ofSeconds(Long.getLong("bench.jitWarmup", 60));
    /** Quiet time after a queue is emptied, before the next phase. */
    private static final Duration SETTLE = Duration.ofSeconds(Long.getLong("bench.settle", 8));
    /** Each row measures raw and ingest alternately this many times and reports the medians. */
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        Path dataDir = Files.createTempDirectory("harbour-bench-");
        List<String> hubArgs = new ArrayList<>(List.of(
                "--harbour.data-dir=" + dataDir, "--harbour.mllp.port=0", "--harbour.mllp.host=127.0.0.1",
                "--server.port=0", "--harbour.api.token=bench", "--harbour.console.password=bench",
                "--logging.level.root=WARN", "--spring.artemis.embedded.queues=harbour.inbound,harbour.dlq,bench.raw"));
        hubArgs.addAll(List.of(args).subList(Math.min(1, args.length), args.length));
        boolean paused = Boolean.getBoolean("bench.pauseStages");
        if (paused) {
            // ingest alone: the stages after it do not consume, harbour.inbound keeps the backlog
            hubArgs.add("--camel.main.auto-startup-exclude-pattern=" + RouteIds.STORE);
        }
        ConfigurableApplicationContext hub = SpringApplication.run(HarbourApplication.class, hubArgs.toArray(String[]::new));
        int ioThreads = hub.getBean(org.harbour.routes.config.HarbourProperties.class).mllp().ioThreadsOrDefault();
        LISTENER = ioThreads == 0 ? "one thread per connection" : ioThreads + " I/O threads (selector)";
        StringBuilder report = new StringBuilder();
        try {
            CamelContext camel = hub.getBean(CamelContext.class);
            int port = MllpListeners.get(camel, RouteIds.MLLP_LISTENER).port();
            ConnectionFactory factory = hub.getBean(ConnectionFactory.class);
            byte[] sample = oru("BENCH", "WARM-0").getBytes(StandardCharsets.UTF_8);
            report.append(header(sample.length));
            report.append("| connections | raw persistent sends/s (ceiling), median | MLLP ingest ACK AA/s, median"
                    + " | ingest / ceiling | raw, each run | ingest, each run | resends ACKed AA/s, median (of ceiling)"
                    + " | raw writes through the broker's post office/s, median | ingest / post-office writes"
                    + " | store stage drain of the backlog, msgs/s |\n");
            report.append("|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n");
            EmbeddedBrokerWriter postOffice = new EmbeddedBrokerWriter(
                    hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer(), Duration.ofSeconds(30));
            jitWarmup(hub, factory, port, sample, paused);
            for (int connections : Arrays.stream(System.getProperty("bench.connections", "1,16,64").split(","))
                    .mapToInt(Integer::parseInt).toArray()) {
                double[] raws = new double[REPEATS];
                double[] ingests = new double[REPEATS];
                double[] resends = new double[REPEATS];
                double[] local = new double[REPEATS];
                for (int r = 0; r < REPEATS; r++) {
                    raws[r] = rawBrokerRate(factory, connections, sample);
                    purge(hub, "bench.raw");
                    local[r] = postOfficeRate(postOffice, connections, sample);
                    purge(hub, "bench.raw");
                    String sender = "BENCH-" + RUN.incrementAndGet();
                    ingests[r] = ingestRate(port, connections, sender, 0);
                    resends[r] = ingestRate(port, connections, sender, RESEND_CYCLE);
                    if (paused) {
                        purge(hub, RouteIds.INBOUND_QUEUE);
                    }
                    System.out.printf(Locale.ROOT, "%d connections: raw %.0f/s, post office %.0f/s, ingest %.0f/s,"
                            + " resends %.0f/s%n", connections, raws[r], local[r], ingests[r], resends[r]);
                }
                double raw = median(raws);
                double ingest = median(ingests);
                double drain = paused ? Double.NaN : awaitDrained(hub, RouteIds.INBOUND_QUEUE);
                double resend = median(resends);
                double office = median(local);
                String row = String.format(Locale.ROOT,
                        "| %d | %.0f | %.0f | %.0f %% | %s | %s | %.0f (%.0f %%) | %.0f | %.0f %% | %s |%n",
                        connections, raw, ingest, 100 * ingest / raw, spread(raws), spread(ingests), resend,
                        100 * resend / raw, office, 100 * ingest / office,
                        paused ? "— (paused)" : String.format(Locale.ROOT, "%.0f", drain));
                System.out.print(row);
                report.append(row);
            }
            if (!Boolean.getBoolean("bench.skipLatency")) {
                report.append(latencyAtFixedRate(port, 500, 16));
            }
        } finally {
            hub.close();
            DeliveryBenchmark.deleteTree(dataDir);
        }
        System.out.println(report);
        Path file = root.resolve("docs/BENCHMARKS.md");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "# Harbour benchmarks\n\nFigures written by the benchmarks in `bench/`; newest last.\n");
        }
        Files.writeString(file, report, StandardOpenOption.APPEND);
        // the broker's in-VM client threads linger for a minute after it stops
        System.exit(0);
    }

    /**
     * Runs both paths unmeasured at 16 connections, so that the rows compare compiled code: in a
     * fresh JVM on two cores the JIT compiler takes much of the CPU for the first minute, and it
     * compiles the broker's send path (used by both) during the raw phase but the listener's and
     * the envelope reader's code only during the ingest phase.
     */
    private static void jitWarmup(ConfigurableApplicationContext hub, ConnectionFactory factory, int port,
            byte[] sample, boolean paused) throws Exception {
        Duration half = JIT_WARMUP.dividedBy(2);
        if (half.isZero()) {
            return;
        }
        rawBrokerRate(factory, 16, sample, half, Duration.ZERO);
        purge(hub, "bench.raw");
        measure(16, half, Duration.ZERO, (worker, step) -> mllpSends(port, "WARM-" + worker, 0, step));
        if (paused) {
            purge(hub, RouteIds.INBOUND_QUEUE);
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String spread(double[] values) {
        return String.join(", ", Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
    }

    private static String header(int sampleBytes) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        return String.format(Locale.ROOT, "%n## Durable ingest (MLLP → harbour.inbound), %s%n%n"
                        + "Machine: %s, %d cores, %d MiB max heap, Java %s; host %s. Embedded Artemis (NIO journal,"
                        + " sync on durable send), H2; %s. ORU^R01 of about %d bytes. Both paths first run %d s"
                        + " unmeasured (JIT warm-up); then each row measures raw and ingest alternately %d times"
                        + " (%d s warm-up, %d s measured each) and reports the medians; the queue written is emptied"
                        + " after each run, and the broker left %d s to settle, then until the machine is idle for 2 s. After each ingest run the same connections send their first %d control ids"
                        + " over and over: resends, answered AA by the resend check without a broker write, so that"
                        + " column is the listener's own cost (MLLP round trip, envelope check, ACK) with no enqueue."
                        + " The post-office column is the broker's ceiling for the path ingest takes with the embedded"
                        + " broker: the same durable writes made through the broker's post office in this JVM, one"
                        + " metadata property each, each thread waiting for its sync. MLLP senders: %s; hub's"
                        + " listener: %s.%n%n",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), Boolean.getBoolean("bench.pauseStages")
                        ? "stages after ingest paused (ingest alone)" : "store and translate stage running concurrently",
                sampleBytes, JIT_WARMUP.toSeconds(), REPEATS, WARMUP.toSeconds(), MEASURE.toSeconds(), SETTLE.toSeconds(),
                RESEND_CYCLE, THREAD_PER_CONNECTION_CLIENT ? "a blocking sender thread per connection"
                        : "all connections driven by one thread (non-blocking sockets), each waiting for its AA",
                LISTENER);
    }

    /** One worker's loop: does one unit of work per call, until the measured window ends. */
    @FunctionalInterface
    interface Worker {
        void run(int worker, Step step) throws Exception;
    }

    /** Called once per unit of work; returns false when the worker should stop. */
    @FunctionalInterface
    interface Step {
        boolean next() throws Exception;
    }

    /**
     * Runs {@code workers} threads through warm-up and measurement and returns the units of
     * work per second completed inside the measured window.
     */
    static double measure(int workers, Worker worker) throws Exception {
        return measure(workers, WARMUP, MEASURE, worker);
    }

    static double measure(int workers, Duration warmup, Duration window, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicLong counted = new AtomicLong();
        long from = System.nanoTime() + warmup.toNanos();
        long until = from + window.toNanos();
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int id = w;
                tasks.add(pool.submit(() -> {
                    long[] started = {System.nanoTime()};
                    worker.run(id, () -> {
                        if (started[0] >= from && started[0] <= until) {
                            counted.incrementAndGet();
                        }
                        started[0] = System.nanoTime();
                        return started[0] <= until;
                    });
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return counted.get() / (double) Math.max(1, window.toSeconds());
    }

    /**
     * Durable writes by {@code producers} threads through the embedded broker's post office, the
     * path ingest takes for messages that fit: each with one metadata property of the size the
     * ingest writes, each thread waiting for its write to be synced.
     */
    static double postOfficeRate(EmbeddedBrokerWriter postOffice, int producers, byte[] body) throws Exception {
        SimpleString address = SimpleString.of("bench.raw");
        SimpleString property = SimpleString.of(InboundMetadata.PROPERTY);
        String metadata = InboundMetadata.pack(Map.of("HarbourMessageId", "0b3c2f4e-2a6d-4f0e-9a51-6c1de2f8a9b0",
                "HarbourControlId", "BENCH-000123", "HarbourSender", "BENCH-1", "HarbourSendingApplication", "EMR",
                "HarbourMessageType", "ORU^R01", "HarbourHl7Version", "2.5", "HarbourCharset", "UTF-8",
                "HarbourReceivedAt", "2026-12-02T09:15:00.123456Z", "HarbourRemoteAddress", "/127.0.0.1:54321",
                "HarbourListener", "mllp"));
        return measure(producers, (worker, step) -> {
            boolean more = true;
            while (more) {
                postOffice.send(address, body, property, metadata, null);
                more = step.next();
            }
        });
    }

    /** Persistent sends by {@code producers} threads, each with its own session (the ceiling). */
    static double rawBrokerRate(ConnectionFactory factory, int producers, byte[] body) throws Exception {
        return rawBrokerRate(factory, producers, body, WARMUP, MEASURE);
    }

    static double rawBrokerRate(ConnectionFactory factory, int producers, byte[] body, Duration warmup,
            Duration window) throws Exception {
        try (Connection connection = factory.createConnection()) {
            return measure(producers, warmup, window, (worker, step) -> rawSends(connection, step, body));
        }
    }

    /** One producer's persistent sends, in a session of its own, until told to stop. */
    private static void rawSends(Connection connection, Step step, byte[] body) throws Exception {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue("bench.raw"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            boolean more = true;
            while (more) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body);
                producer.send(message);
                more = step.next();
            }
        }
    }

    /**
     * Empties a queue, so that one phase's backlog does not slow the next, then lets the broker
     * settle: deleting a backlog of a few hundred thousand messages writes as many delete records
     * and compacts the journal in the background, which otherwise slowed whichever phase came next
     * (measured: the persistent-send rate of the next 5 s fell by up to half).
     */
    static void purge(ConfigurableApplicationContext hub, String queue) throws Exception {
        hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer().locateQueue(queue).deleteAllReferences();
        TimeUnit.SECONDS.sleep(SETTLE.toSeconds());
        awaitQuiet();
    }

    /**
     * Waits (up to a minute) until the machine has been nearly idle for two seconds in a row:
     * the broker's deletion of a purged backlog and the journal compaction after it run in the
     * background for a while, and a phase that started during them was measured on a busy machine
     * (seen: a phase right after a purge of 200,000 messages ran a third slower than the same
     * phase after a quiet machine).
     */
    static void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int quietSeconds = 0;
        long[] before = cpuTicks();
        while (quietSeconds < 2 && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
            long[] now = cpuTicks();
            long total = now[0] - before[0];
            long idle = now[1] - before[1];
            quietSeconds = total > 0 && idle >= 0.9 * total ? quietSeconds + 1 : 0;
            before = now;
        }
    }

    /** Total and idle (idle + iowait) jiffies of all CPUs, from /proc/stat. */
    private static long[] cpuTicks() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length; i++) {
            total += Long.parseLong(fields[i]);
        }
        return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
    }

    /** Waits until the store stage has taken everything from the queue. */
    static double awaitDrained(ConfigurableApplicationContext hub, String queue) throws Exception {
        Queue q = hub.getBean(EmbeddedActiveMQ.class).getActiveMQServer().locateQueue(queue);
        long start = System.nanoTime();
        long backlog = q.getMessageCount();
        while (q.getMessageCount() > 0) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("store stage drained a backlog of %d in %.1f s%n", backlog, seconds);
        return seconds > 0 ? backlog / seconds : 0;
    }

    /** MLLP senders, each waiting for its ACK before the next message (as EMRs do). */
    static double ingestRate(int port, int connections) throws Exception {
        return ingestRate(port, connections, "BENCH-" + RUN.incrementAndGet(), 0);
    }

    /**
     * MLLP senders ({@code sender} plus the connection's number as sending facility). With
     * {@code cycle} > 0 each connection sends control ids 0 to cycle - 1 over and over: after a
     * first run with the same sender these are all resends, answered AA without a broker write.
     */
    static double ingestRate(int port, int connections, String sender, int cycle) throws Exception {
        if (THREAD_PER_CONNECTION_CLIENT) {
            return measure(connections, (worker, step) -> mllpSends(port, sender + "-" + worker, cycle, step));
        }
        return MllpLoad.run(port, connections, WARMUP, MEASURE, (connection, i) -> oru(sender + "-" + connection,
                String.valueOf(cycle > 0 ? i % cycle : i)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The MLLP senders: by default all connections driven by one thread ({@link MllpLoad}), as
     * EMRs on other machines cost the hub no CPU; {@code -Dbench.client=threads} for a blocking
     * sender thread per connection (what earlier runs used).
     */
    private static String LISTENER = "";

    static final boolean THREAD_PER_CONNECTION_CLIENT = "threads".equals(System.getProperty("bench.client"));

    /** One EMR's sends on its own connection, each waiting for its AA, until told to stop. */
    private static void mllpSends(int port, String sender, int cycle, Step step) throws Exception {
        try (MllpClient client = MllpClient.connect("127.0.0.1", port)) {
            boolean more = true;
            for (long i = 0; more; i++) {
                byte[] ack = client.send(oru(sender, String.valueOf(cycle > 0 ? i % cycle : i))
                        .getBytes(StandardCharsets.UTF_8));
                if (!new String(ack, StandardCharsets.UTF_8).contains("MSA|AA|")) {
                    throw new IllegalStateException("not AA");
                }
                more = step.next();
            }
        }
    }

    /** Makes each run's senders distinct, so no run's messages are resends of an earlier run's. */
    private static final AtomicLong RUN = new AtomicLong();
    /**
     * How many control ids each connection repeats in the resend runs; every connection sends at
     * least this many in the ingest run before it (a few seconds at the slowest row).
     */
    private static final int RESEND_CYCLE = 500;

    /** Sends at a fixed total rate and records each message's time to AA. */
    static String latencyAtFixedRate(int port, int rate, int connections) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        AtomicLong sent = new AtomicLong();
        FixedRate.run(port, rate, connections, WARMUP, MEASURE, (client, connection, i, scheduled, measured) -> {
            long t0 = System.nanoTime();
            client.send(oru("LAT", connection + "-" + i).getBytes(StandardCharsets.UTF_8));
            if (measured) {
                // from the scheduled send time: includes any queueing behind a slow ACK
                histogram.recordValue(Math.max(1, (System.nanoTime() - Math.min(t0, scheduled)) / 1000));
                sent.incrementAndGet();
            }
        });
        return String.format(Locale.ROOT, "%nACK latency at a fixed %d msgs/s over %d connections (%d messages): "
                        + "p50 %.2f ms, p99 %.2f ms, max %.2f ms.%n", rate, connections, sent.get(),
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getMaxValue() / 1000.0);
    }

    /** How many distinct patients the generated results are spread over. */
    static final int PATIENTS = 5000;

    /** A valid HKID (one letter, six digits, check digit) for patient number {@code n}. */
    static String hkid(int n) {
        return org.harbour.mappings.id.Hkid.complete(String.valueOf((char) ('A' + n % 26)),
                String.format(Locale.ROOT, "%06d", 100000 + n % 900000));
    }

    /** An ORU^R01 of about 3 KB with Chinese names, for one of {@link #PATIENTS} patients. */
    static String oru(String sender, String controlId) {
        int patient = Math.floorMod(controlId.hashCode(), PATIENTS);
        StringBuilder m = new StringBuilder(3200);
        m.append("MSH|^~\\&|MEDILINK|").append(sender).append("|HARBOUR|HUB|20261122093000+0800||ORU^R01^ORU_R01|")
                .append(controlId).append("|P|2.5.1|||||HKG|UNICODE UTF-8\r")
                .append("PID|1||KWC-").append(patient).append("^^^KWC^MR~").append(hkid(patient))
                .append("^^^HKID^NNHKG||陳^大文^^^^^L||19600101|M\r")
                .append("PV1|1|O|KWC^^^KWC||||D1234^黃^美玲\r")
                .append("OBR|1|ORD").append(controlId).append("||24331-1^Lipid panel^LN|||20261122083000+0800\r");
        String[][] tests = {{"2093-3", "Cholesterol", "5.8", "mmol/L", "<5.2", "H"},
            {"2571-8", "Triglyceride", "1.9", "mmol/L", "<1.7", "H"}, {"2085-9", "HDL", "1.1", "mmol/L", ">1.0", "N"},
            {"13457-7", "LDL calc", "3.9", "mmol/L", "<3.4", "H"}, {"4548-4", "HbA1c", "8.1", "%", "4.0-6.0", "H"},
            {"2345-7", "Glucose", "7.9", "mmol/L", "3.9-6.1", "H"}, {"2160-0", "Creatinine", "88", "umol/L", "62-106", "N"},
            {"2823-3", "Potassium", "4.1", "mmol/L", "3.5-5.1", "N"}, {"2951-2", "Sodium", "139", "mmol/L", "136-145", "N"}};
        int n = 1;
        while (m.length() < 2900) {
            for (String[] t : tests) {
                m.append("OBX|").append(n++).append("|NM|").append(t[0]).append('^').append(t[1]).append("^LN||")
                        .append(t[2]).append('|').append(t[3]).append('|').append(t[4]).append('|').append(t[5])
                        .append("|||F|||20261122083000+0800\r");
            }
        }
        m.append("NTE|1||空腹抽血 fasting sample\r");
        return m.toString();
    }
}
