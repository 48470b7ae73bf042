package org.harbour.bench;

import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.v2out.FhirToV2;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Both directions of the translation over the same messages (the corpus's ORU^R01 and ADT), each
 * from wire format to wire format, single thread, in one run: HL7 v2 bytes → FHIR → JSON, and
 * FHIR JSON → FHIR → HL7 v2 (2.5.1) → UTF-8 bytes. Prints messages a second for each, wall clock
 * and per second of the process's CPU time.
 *
 * <p>Arguments: corpus directory (its *.hl7 files).
 */
public final class RoundTripRate {

    private RoundTripRate() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> v2 = new ArrayList<>(ConversionRate.only(ConversionRate.corpus(java.nio.file.Path.of(args[0])), "ORU"));
        v2.addAll(ConversionRate.only(ConversionRate.corpus(java.nio.file.Path.of(args[0])), "ADT"));
        V2ToFhir inbound = new V2ToFhir(TranslatorSettings.defaults());
        FhirToV2 outbound = new FhirToV2(FhirToV2.Settings.defaults());
        IParser json = ConversionRate.context().newJsonParser();
        // the outbound direction's input: each message's Bundle as JSON, made once beforehand
        List<String> bundles = new ArrayList<>();
        for (byte[] m : v2) {
            bundles.add(json.encodeResourceToString(inbound.convert(m).bundle()));
        }
        Instant now = Instant.parse("2026-12-03T02:00:00Z");
        double[] in = rates(v2.size(), i -> json.encodeResourceToString(inbound.convert(v2.get(i)).bundle()).length());
        double[] out = rates(bundles.size(), i -> outbound.convert(json.parseResource(Bundle.class, bundles.get(i)),
                "B-" + i, "2.5.1", now).encode(StandardCharsets.UTF_8).length);
        System.out.printf(Locale.ROOT, "messages=%d  v2->fhir=%.0f/s (cpu %.0f/s)  fhir->v2=%.0f/s (cpu %.0f/s)%n",
                v2.size(), in[0], in[1], out[0], out[1]);
    }

    /** Work items a second of wall-clock time and of the process's CPU time, after a warm-up of a quarter. */
    static double[] rates(int count, ToIntFunction<Integer> work) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long warm = System.nanoTime() + ConversionRate.SECONDS * 250_000_000L;
        long sink = 0;
        int i = 0;
        while (System.nanoTime() < warm) {
            sink += work.applyAsInt(i++ % count);
        }
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        long until = start + ConversionRate.SECONDS * 1_000_000_000L;
        long done = 0;
        while (System.nanoTime() < until) {
            sink += work.applyAsInt((int) (done++ % count));
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {done / ((System.nanoTime() - start) / 1e9), done / ((os.getProcessCpuTime() - cpu) / 1e9)};
    }
}
