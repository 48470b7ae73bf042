package org.harbour.bench;

import ca.uhn.fhir.context.FhirContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.support.BrokerSeal;

/**
 * What sealing patient data at rest adds to each message, measured on the same work the hub
 * does: the raw ORU sealed for harbour.inbound and opened by the store stage, sealed again for
 * the message store, its record Bundle (the JSON published on harbour.records) sealed and opened
 * by the disclose stage, and one lab value sealed. Single thread; reports microseconds a message
 * and the share of a core that is at the hub's measured ingest and end-to-end rates. Appends to
 * docs/BENCHMARKS.md (argument: repository root).
 */
public final class SealBenchmark {

    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 10));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 20));

    private SealBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "..").toAbsolutePath().normalize();
        // the ingest benchmark's ORU^R01 (about 3 KB, a report with narrative), as the hub's rates were measured with
        byte[] raw = IngestBenchmark.oru("BENCH", "SEAL-1").getBytes(StandardCharsets.UTF_8);
        byte[] bundle = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(new V2ToFhir(org.harbour.mappings.fhir.TranslatorSettings.defaults()).convert(raw)
                .bundle()).getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        RecordCipher cipher = new RecordCipher(key);
        BrokerSeal seal = new BrokerSeal(cipher);
        run(seal, cipher, raw, bundle, WARMUP, false);
        long[] all = run(seal, cipher, raw, bundle, MEASURE, false);
        long[] ingest = run(seal, cipher, raw, bundle, MEASURE, true);
        double micros = MEASURE.toNanos() / 1000.0 / all[0];
        double ingestMicros = MEASURE.toNanos() / 1000.0 / ingest[0];
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        String report = String.format(Locale.ROOT, "%n## Sealing at rest: the cost a message, %s%n%n"
                + "Machine: %s, %d cores, Java %s; host %s. One thread, %d s warm-up, %d s measured each. The work"
                + " sealing added to the hub for one message: the raw ORU (%d bytes) sealed for harbour.inbound (at"
                + " ingest) and opened by the store stage, sealed for message_raw, its record Bundle (%d bytes of"
                + " JSON) sealed for harbour.records and opened by the disclose stage, one lab value sealed"
                + " (AES-256-GCM, the JDK's provider). Compared with the hub's measured CPU a message: about 97 µs at"
                + " ingest (session 14, 64 connections) and 5.3 ms end to end at 200 msgs/s (session 14).%n%n"
                + "| work | µs a message | messages/s on one core | of the hub's CPU a message |%n|---|---:|---:|---:|%n"
                + "| at ingest: the raw message sealed for the broker | %.1f | %,.0f | %.0f %% of 97 µs |%n"
                + "| everything sealing added, all stages | %.1f | %,.0f | %.1f %% of 5.3 ms |%n%n"
                + "Checksums of the opened bytes: %d, %d (kept so the work is not optimised away).%n",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), WARMUP.toSeconds(), MEASURE.toSeconds(), raw.length,
                bundle.length, ingestMicros, 1e6 / ingestMicros, 100 * ingestMicros / 97, micros, 1e6 / micros,
                100 * micros / 5300, all[1], ingest[1]);
        System.out.print(report);
        Files.writeString(root.resolve("docs/BENCHMARKS.md"), report, StandardOpenOption.APPEND);
    }

    private static long[] run(BrokerSeal seal, RecordCipher cipher, byte[] raw, byte[] bundle, Duration length,
            boolean ingestOnly) {
        long end = System.nanoTime() + length.toNanos();
        long count = 0;
        long checksum = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                if (ingestOnly) {
                    checksum += seal.seal(raw).length;
                    count++;
                    continue;
                }
                byte[] onBroker = seal.seal(raw);
                checksum += seal.open(onBroker).length;
                checksum += cipher.encrypt(raw, "message-raw/" + count).length;
                byte[] published = seal.seal(bundle);
                checksum += seal.open(published).length;
                checksum += cipher.encryptText("6.9 mmol/L", "lab-result/Observation/" + count).length();
                count++;
            }
        }
        return new long[] {count, checksum};
    }
}
