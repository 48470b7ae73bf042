package org.harbour.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.hl7.Hl7Batch;

/**
 * Harbour's conversion rate, the work a caller pays for: HL7 v2 bytes in, the Bundle as FHIR JSON
 * out (serialisation included, as the LinuxForHealth peer returns JSON). Single thread, a warm-up
 * of a quarter of the measured time. Uses only the translator's public API, so the same class
 * measures an earlier build of the mappings module too (bench/conversion-regression.sh).
 *
 * <p>Arguments: corpus directory. Prints {@code all=… oru=… adt=…} in messages a second, and the
 * same per second of the process's CPU time ({@code cpu:}), which a busy or shared machine
 * disturbs less (the JVM's own threads, the collector among them, count in it).
 */
public final class ConversionRate {

    static final long SECONDS = Long.getLong("bench.seconds", 20);

    private ConversionRate() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> messages = corpus(Path.of(args[args.length - 1].trim().split("\\s+")[0]));
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        // the context the hub writes with (FhirJson), when this build of the mappings module has it
        IParser json = context().newJsonParser();
        double[] all = rates(translator, json, messages);
        double[] oru = rates(translator, json, only(messages, "ORU"));
        double[] adt = rates(translator, json, only(messages, "ADT"));
        System.out.printf(Locale.ROOT, "all=%.0f oru=%.0f adt=%.0f  cpu: all=%.0f oru=%.0f adt=%.0f%n", all[0], oru[0], adt[0],
                all[1], oru[1], adt[1]);
    }

    /** Harbour's FHIR context (FhirJson.context()) when the mappings build measured has it, else HAPI's shared one. */
    static FhirContext context() {
        try {
            return (FhirContext) Class.forName("org.harbour.mappings.fhir.FhirJson").getMethod("context").invoke(null);
        } catch (ReflectiveOperationException older) {
            return FhirContext.forR4Cached();
        }
    }

    static List<byte[]> corpus(Path dir) throws java.io.IOException {
        List<byte[]> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                messages.addAll(Hl7Batch.split(Files.readAllBytes(file)));
            }
        }
        return messages;
    }

    static List<byte[]> only(List<byte[]> messages, String type) {
        return messages.stream().filter(m -> {
            String head = new String(m, 0, Math.min(m.length, 300), java.nio.charset.StandardCharsets.ISO_8859_1);
            String[] f = head.split("\\|", 10);
            return f.length > 8 && f[8].startsWith(type);
        }).toList();
    }

    /** Messages a second, each translated and its Bundle written as JSON. */
    static double rate(V2ToFhir translator, IParser json, List<byte[]> messages) {
        return rates(translator, json, messages)[0];
    }

    /** Messages a second of wall-clock time, and a second of the process's CPU time. */
    static double[] rates(V2ToFhir translator, IParser json, List<byte[]> messages) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long warm = System.nanoTime() + SECONDS * 250_000_000L;
        int i = 0;
        long sink = 0;
        while (System.nanoTime() < warm) {
            sink += json.encodeResourceToString(translator.convert(messages.get(i++ % messages.size())).bundle()).length();
        }
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        long until = start + SECONDS * 1_000_000_000L;
        long done = 0;
        while (System.nanoTime() < until) {
            sink += json.encodeResourceToString(translator.convert(messages.get((int) (done++ % messages.size())))
                    .bundle()).length();
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {done / ((System.nanoTime() - start) / 1e9), done / ((os.getProcessCpuTime() - cpu) / 1e9)};
    }
}
