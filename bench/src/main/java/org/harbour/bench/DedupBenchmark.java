package org.harbour.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.flywaydb.core.Flyway;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.routes.dedup.DedupWindows;
import org.harbour.routes.dedup.LabHistory;
import org.harbour.routes.dedup.RepeatTests;
import org.harbour.routes.dedup.ResultRepeats;
import org.harbour.routes.dedup.TestIdentity;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The repeated-test check against a large history: PostgreSQL with 5 million stored results
 * (generated: 500,000 patients, 20 tests, a year of dates), then messages each carrying one new
 * result and one new order, checked at a steady rate as the dedup step does (the result joins
 * the history, the order is compared with it, in one transaction). Reports the check's p50/p99
 * from each message's scheduled time, and how many alerts it raised. Appends to
 * docs/BENCHMARKS.md (argument: repository root).
 */
public final class DedupBenchmark {

    private static final String[] TESTS = {"4548-4", "2823-3", "2951-2", "2345-7", "14682-9", "13457-7", "2093-3",
        "2571-8", "2085-9", "718-7", "6690-2", "777-3", "1742-6", "1920-8", "6768-6", "1975-2", "3016-3", "2160-0",
        "17861-6", "2947-0"};

    private DedupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        long rows = Long.getLong("bench.rows", 5_000_000);
        int patients = (int) (rows / 10);
        int rate = Integer.getInteger("bench.rate", 500);
        int seconds = Integer.getInteger("bench.seconds", 20);
        String url = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "dedup_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        HikariDataSource db = new HikariDataSource();
        db.setJdbcUrl(url + "?currentSchema=" + schema);
        db.setUsername("postgres");
        db.setMaximumPoolSize(8);
        JdbcTemplate jdbc = new JdbcTemplate(db);
        new JdbcTemplate(db).execute("CREATE SCHEMA " + schema);
        try {
            Flyway.configure().dataSource(db).schemas(schema).locations("classpath:db/migration").load().migrate();
            long start = System.nanoTime();
            StringBuilder tests = new StringBuilder("ARRAY[");
            for (int i = 0; i < TESTS.length; i++) {
                tests.append(i == 0 ? "'" : ",'").append(TESTS[i]).append("'");
            }
            tests.append("]");
            jdbc.execute("DROP INDEX lab_result_history");
            jdbc.execute("DROP INDEX lab_result_fingerprint");
            jdbc.execute("INSERT INTO lab_result (observation_ref, patient_id, test_key, effective_at, status, value_text,"
                    + " facility, fingerprint) SELECT 'Observation/gen-' || g, 'p' || (g % " + patients + "), 'loinc|' || ("
                    + tests + ")[1 + (g / " + patients + ") % 20], now() - ((g::bigint * 7919) % 365) * interval '1 day', 'final',"
                    + " (g % 100) / 10.0 || ' mmol/L', CASE WHEN g % 3 = 0 THEN 'QMH' ELSE 'KWC' END, md5(g::text) || md5((g + 1)::text)"
                    + " FROM generate_series(1, " + rows + ") g");
            jdbc.execute("CREATE INDEX lab_result_history ON lab_result (patient_id, test_key, effective_at)");
            jdbc.execute("CREATE INDEX lab_result_fingerprint ON lab_result (fingerprint)");
            jdbc.execute("ANALYZE lab_result");
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            Long count = jdbc.queryForObject("SELECT COUNT(*) FROM lab_result", Long.class);
            System.out.printf(Locale.ROOT, "generated %d results in %.0f s%n", count, loadSeconds);

            ZoneId zone = ZoneId.of("Asia/Hong_Kong");
            LabHistory history = new LabHistory(jdbc);
            RepeatTests repeat = new RepeatTests(history, new TestIdentity(CodeTables.builtIn()
                    .get("lab-test-loinc")), new DedupWindows(Period.ofDays(90), Map.of("2823-3", Period.ofDays(1)), zone),
                    zone);
            jdbc.execute("CREATE TABLE bench_record (id VARCHAR(64) PRIMARY KEY, payload BYTEA NOT NULL)");
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
            // what the check adds: its statements inside the record store's transaction (whose commit it shares)
            ConcurrentHistogram check = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(30), 3);
            // the whole transaction (record write, check, commit), and the same without the check, alternating
            ConcurrentHistogram with = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(30), 3);
            ConcurrentHistogram without = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(30), 3);
            AtomicLong alerts = new AtomicLong();
            AtomicLong checked = new AtomicLong();
            int workers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            long interval = TimeUnit.SECONDS.toNanos(1) * workers / rate;
            long begin = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long warm = begin + TimeUnit.SECONDS.toNanos(5);
            long until = warm + TimeUnit.SECONDS.toNanos(seconds);
            byte[] payload = new byte[1500];
            for (int w = 0; w < workers; w++) {
                int worker = w;
                pool.submit(() -> {
                    long next = begin + interval * worker / workers;
                    for (long i = 0; next < until; i++, next += interval) {
                        while (System.nanoTime() < next) {
                            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                        }
                        long n = i * workers + worker;
                        String patient = "p" + Math.floorMod(n * 104729, patients);
                        String test = TESTS[(int) Math.floorMod(n * 31, TESTS.length)];
                        List<Resource> message = message(n, test);
                        boolean dedup = n % 2 == 0;
                        long started = System.nanoTime();
                        long[] checkTime = new long[1];
                        List<RepeatTests.Repeat> found = tx.execute(s -> {
                            jdbc.update("INSERT INTO bench_record (id, payload) VALUES (?, ?)", "r-" + n, payload);
                            if (!dedup) {
                                return List.<RepeatTests.Repeat>of();
                            }
                            long t0 = System.nanoTime();
                            // as the hub does: one look-up while the record store looks for repeats, then the check
                            ResultRepeats repeats = new ResultRepeats(repeat, history, "KWC", Instant.now());
                            repeats.find(message, Map.of(), patient);
                            List<RepeatTests.Repeat> r = repeat.check(patient, "KWC", message, Set.of(), Instant.now(),
                                    repeats.lookupFor(patient));
                            checkTime[0] = System.nanoTime() - t0;
                            return r;
                        });
                        if (next >= warm) {
                            long whole = Math.max(1, (System.nanoTime() - started) / 1000);
                            if (dedup) {
                                check.recordValue(Math.max(1, checkTime[0] / 1000));
                                with.recordValue(whole);
                                checked.incrementAndGet();
                                alerts.addAndGet(found == null ? 0 : found.size());
                            } else {
                                without.recordValue(whole);
                            }
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            String report = String.format(Locale.ROOT, "%n## Repeated-test check against 5 million results, %s%n%n"
                            + "Machine: %s, %d cores, Java %s; host %s. PostgreSQL 15 on the same machine, %,d results"
                            + " generated (%,d patients, 20 LOINC tests, a year of dates; %.0f s to load and index). Each"
                            + " message: a record write (1.5 KB row), then, for every other message, the dedup step as the"
                            + " hub runs it inside the record store's transaction: one query reading the stored results"
                            + " with the new final result's fingerprint (a repeat?) and the patient's history of the"
                            + " ordered test inside its window, then the result joining the history; then the one commit. %d workers at a steady %d"
                            + " msgs/s; 5 s warm-up, %d s measured.%n%n"
                            + "| messages checked | repeat alerts | check p50 ms | check p99 ms | check max ms"
                            + " | transaction p50 / p99 ms, with check | without check |%n"
                            + "|---:|---:|---:|---:|---:|---:|---:|%n"
                            + "| %d | %d | %.2f | %.2f | %.2f | %.2f / %.2f | %.2f / %.2f |%n",
                    LocalDate.now(), cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    InetAddress.getLocalHost().getHostName(), count, patients, loadSeconds, workers, rate, seconds,
                    checked.get(), alerts.get(), check.getValueAtPercentile(50) / 1000.0,
                    check.getValueAtPercentile(99) / 1000.0, check.getMaxValue() / 1000.0,
                    with.getValueAtPercentile(50) / 1000.0, with.getValueAtPercentile(99) / 1000.0,
                    without.getValueAtPercentile(50) / 1000.0, without.getValueAtPercentile(99) / 1000.0);
            System.out.println(report);
            Files.writeString(root.resolve("docs/BENCHMARKS.md"), report, StandardOpenOption.APPEND);
        } finally {
            jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
            db.close();
        }
        System.exit(0);
    }

    private static List<Resource> message(long n, String test) {
        Observation result = new Observation();
        result.setId("bench-" + n);
        result.setStatus(Observation.ObservationStatus.FINAL);
        result.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", TESTS[(int) ((n + 7) % TESTS.length)],
                null)));
        result.setEffective(new DateTimeType(new Date()));
        result.setValue(new Quantity().setValue(BigDecimal.valueOf(n % 100, 1)).setUnit("mmol/L"));
        ServiceRequest order = new ServiceRequest();
        order.setId("order-" + n);
        order.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        order.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", test, null)));
        return List.of(result, order);
    }

    private static String cpu() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }
}
