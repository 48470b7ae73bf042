package org.harbour.bench;

import ca.uhn.fhir.context.FhirContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.HdrHistogram.ConcurrentHistogram;
import org.flywaydb.core.Flyway;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditSigner;
import org.harbour.routes.audit.AuditTrail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the audit trail can take: threads appending AuditEvents as the stages do (each call
 * returns once its entry is committed), on H2 (the embedded default, a file database) and on
 * PostgreSQL. Reports entries per second and the p50/p99 of one append, and how many messages a
 * second that would audit at three entries each (received, translated, stored). Appends the
 * figures to docs/BENCHMARKS.md (argument: repository root).
 */
public final class AuditBenchmark {

    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 15));

    private AuditBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        StringBuilder report = new StringBuilder(header());
        report.append("| database | appending threads | entries/s | p50 ms | p99 ms | messages/s at 3 entries each |\n");
        report.append("|---|---:|---:|---:|---:|---:|\n");
        Path dir = Files.createTempDirectory("harbour-audit-bench-");
        List<String[]> databases = new ArrayList<>();
        databases.add(new String[] {"H2 (file)", "jdbc:h2:file:" + dir.resolve("audit") + ";MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0", "harbour"});
        String schema = "audit_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String pg = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
        new JdbcTemplate(new DriverManagerDataSource(pg, "postgres", "")).execute("CREATE SCHEMA " + schema);
        databases.add(new String[] {"PostgreSQL 15 (local)", pg + "?currentSchema=" + schema, "postgres"});
        try {
            for (String[] db : databases) {
                DriverManagerDataSource plain = new DriverManagerDataSource(db[1], db[2], "");
                com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
                pool.setDataSource(plain);
                pool.setMaximumPoolSize(4);
                Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                        .schemas(db[0].startsWith("PostgreSQL") ? new String[] {schema} : new String[0]).load().migrate();
                for (int threads : new int[] {1, 8, 64}) {
                    String row = run(db[0], pool, threads);
                    System.out.print(row);
                    report.append(row);
                }
                pool.close();
            }
        } finally {
            new JdbcTemplate(new DriverManagerDataSource(pg, "postgres", "")).execute("DROP SCHEMA " + schema + " CASCADE");
        }
        System.out.println(report);
        Files.writeString(root.resolve("docs/BENCHMARKS.md"), report, StandardOpenOption.APPEND);
        System.exit(0);
    }

    private static String run(String name, DataSource db, int threads) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        LongAdder done = new LongAdder();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        try (AuditTrail trail = new AuditTrail(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)),
                FhirContext.forR4Cached(), Clock.systemUTC(), new AuditSigner(new byte[32]), Duration.ofSeconds(60))) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                Thread thread = new Thread(() -> {
                    long n = 0;
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        try {
                            trail.record(AuditEvents.messageReceived(UUID.randomUUID().toString(), "C" + worker + "-" + n++,
                                    "CLINIC-" + (worker % 50), "/10.1.0." + worker + ":40000", "ORU^R01^ORU_R01"));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        if (measuring.get()) {
                            latency.recordValue((System.nanoTime() - start) / 1000);
                            done.increment();
                        }
                    }
                }, "audit-bench-" + t);
                workers.add(thread);
                thread.start();
            }
            Thread.sleep(WARMUP.toMillis());
            measuring.set(true);
            long start = System.nanoTime();
            Thread.sleep(MEASURE.toMillis());
            measuring.set(false);
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Thread worker : workers) {
                worker.join();
            }
            double rate = done.sum() / seconds;
            return String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.0f |%n", name, threads, rate,
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, rate / 3);
        }
    }

    private static String header() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        return String.format(Locale.ROOT, "%n## Audit trail appends, %s%n%n"
                        + "Machine: %s, %d cores, Java %s; host %s. AuditEvent (message received, about %d bytes of JSON)"
                        + " appended to the hash chain by the group committer; each call returns after its commit."
                        + " %d s warm-up, %d s measured per row.%n%n",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), FhirContext.forR4Cached().newJsonParser()
                        .encodeResourceToString(AuditEvents.messageReceived(UUID.randomUUID().toString(), "C1", "CLINIC-1",
                                "/10.1.0.1:40000", "ORU^R01^ORU_R01")).getBytes(StandardCharsets.UTF_8).length,
                WARMUP.toSeconds(), MEASURE.toSeconds());
    }
}
