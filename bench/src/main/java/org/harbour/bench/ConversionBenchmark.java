package org.harbour.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Conversion benchmark (issue: HL7 v2 → FHIR translation). Single-thread messages per second of
 * Harbour's translator over the corpus, and over ORU and ADT alone; beside them, the
 * LinuxForHealth converter's figures from its own JVM in the same run (bench/conversion.sh), the
 * R4 validity of both outputs, the ceiling (HAPI's HL7 v2 parse plus FHIR JSON serialisation of
 * our output, nothing else), and bytes allocated per ORU message. Appends to docs/BENCHMARKS.md.
 *
 * <p>Arguments: repository root, corpus directory, LinuxForHealth results file.
 */
public final class ConversionBenchmark {

    private static final long SECONDS = Long.getLong("bench.seconds", 20);

    private ConversionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        // exec passes the rest as one argument: "<corpus dir> <LinuxForHealth results>"
        String[] rest = String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length)).trim().split("\\s+");
        Path corpus = Path.of(rest[0]);
        Path lfhResults = Path.of(rest[1]);
        List<byte[]> messages = ConversionRate.corpus(corpus);
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        FhirContext fhir = ConversionRate.context();
        List<Bundle> ours = new ArrayList<>();
        for (byte[] m : messages) {
            ours.add(translator.convert(m).bundle());
        }
        List<byte[]> oru = ConversionRate.only(messages, "ORU");
        List<byte[]> adt = ConversionRate.only(messages, "ADT");
        FhirValidator validator = validator(fhir);
        int oursValid = 0;
        for (Bundle b : ours) {
            oursValid += errors(validator, b) == 0 ? 1 : 0;
        }
        Properties lfh = new Properties();
        try (InputStream in = Files.newInputStream(lfhResults)) {
            lfh.load(in);
        }
        int lfhValid = 0;
        List<String> lfhBundles = Files.readAllLines(Path.of(lfhResults.toString().replace(".properties", ".ndjson")));
        IParser lenient = fhir.newJsonParser();
        lenient.setParserErrorHandler(new ca.uhn.fhir.parser.LenientErrorHandler(false));
        for (String json : lfhBundles) {
            try {
                lfhValid += errors(validator, lenient.parseResource(Bundle.class, json)) == 0 ? 1 : 0;
            } catch (RuntimeException unreadable) {
                // a Bundle our parser cannot read does not validate
            }
        }

        // translation and JSON serialisation, as the peer's rate includes writing its JSON
        IParser writer = fhir.newJsonParser();
        double all = ConversionRate.rate(translator, writer, messages);
        double oruRate = ConversionRate.rate(translator, writer, oru);
        double adtRate = ConversionRate.rate(translator, writer, adt);
        double ceiling = ceiling(messages, ours, fhir);
        double ceilingOru = ceiling(oru, oru.stream().map(m -> translator.convert(m).bundle()).toList(), fhir);
        long perOru = allocatedPerMessage(translator, oru, fhir);

        double lfhAll = Double.parseDouble(lfh.getProperty("rate.all"));
        double lfhOru = Double.parseDouble(lfh.getProperty("rate.oru"));
        double lfhAdt = Double.parseDouble(lfh.getProperty("rate.adt"));
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "%n## HL7 v2 → FHIR R4 conversion, %s%n%n"
                + "Machine: %s, %d cores, Java %s; host %s. Single thread, %d s measured per figure after a warm-up."
                + " Corpus: ../shared/corpus (%d messages). LinuxForHealth hl7v2-fhir-converter 1.0.19 ran in its own"
                + " JVM in the same run (bench/conversion.sh). Both rates include writing the Bundle as JSON.%n%n",
                LocalDate.now(), cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                InetAddress.getLocalHost().getHostName(), SECONDS, messages.size()));
        r.append("| | Harbour | LinuxForHealth | Harbour / LinuxForHealth |\n|---|---:|---:|---:|\n");
        r.append(String.format(Locale.ROOT, "| messages converted | %d of %d | %s of %s | |%n", ours.size(), messages.size(),
                lfh.getProperty("supported"), lfh.getProperty("messages")));
        r.append(String.format(Locale.ROOT, "| Bundles valid against R4 (zero errors) | %d of %d | %d of %d | |%n",
                oursValid, ours.size(), lfhValid, lfhBundles.size()));
        r.append(String.format(Locale.ROOT, "| msgs/s, whole corpus (LinuxForHealth: the messages it converts) | %.0f | %.1f | %.0f× |%n",
                all, lfhAll, all / lfhAll));
        r.append(String.format(Locale.ROOT, "| msgs/s, ORU only | %.0f | %.1f | %.0f× |%n", oruRate, lfhOru, oruRate / lfhOru));
        r.append(String.format(Locale.ROOT, "| msgs/s, ADT only | %.0f | %.1f | %.0f× |%n", adtRate, lfhAdt, adtRate / lfhAdt));
        r.append(String.format(Locale.ROOT, "%nCeiling (HAPI HL7 v2 generic parse + FHIR JSON serialisation of our Bundle, "
                + "nothing else): %.0f msgs/s over the corpus, %.0f msgs/s over ORU. Harbour's full translation is "
                + "%.0f %% and %.0f %% of it. Allocated per ORU message (translation + JSON): %.2f MB.%n",
                ceiling, ceilingOru, 100 * all / ceiling, 100 * oruRate / ceilingOru, perOru / 1048576.0));
        System.out.print(r);
        Files.writeString(root.resolve("docs/BENCHMARKS.md"), r, StandardOpenOption.APPEND);
    }

    /** HAPI's generic HL7 v2 parse (no validation) + JSON serialisation of our Bundle, per message. */
    private static double ceiling(List<byte[]> messages, List<Bundle> bundles, FhirContext fhir) throws Exception {
        try (HapiContext hapi = new DefaultHapiContext()) {
            hapi.setModelClassFactory(new GenericModelClassFactory());
            hapi.setValidationContext(new NoValidation());
            PipeParser parser = hapi.getPipeParser();
            IParser json = fhir.newJsonParser();
            List<String> texts = messages.stream().map(m -> new String(m, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\r\n", "\r").replace('\n', '\r')).toList();
            long warm = System.nanoTime() + SECONDS * 250_000_000L;
            int i = 0;
            while (System.nanoTime() < warm) {
                step(parser, json, texts, bundles, i++);
            }
            long start = System.nanoTime();
            long until = start + SECONDS * 1_000_000_000L;
            long done = 0;
            while (System.nanoTime() < until) {
                step(parser, json, texts, bundles, (int) done++);
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void step(PipeParser parser, IParser json, List<String> texts, List<Bundle> bundles, int i) {
        int k = i % texts.size();
        try {
            parser.parse(texts.get(k));
        } catch (Exception e) {
            // HAPI refuses some corpus messages; the time spent refusing still counts
        }
        json.encodeResourceToString(bundles.get(k));
    }

    private static long allocatedPerMessage(V2ToFhir translator, List<byte[]> messages, FhirContext fhir) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        IParser json = fhir.newJsonParser();
        long id = Thread.currentThread().getId();
        int n = 2000;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < n; i++) {
            json.encodeResourceToString(translator.convert(messages.get(i % messages.size())).bundle());
        }
        return (threads.getThreadAllocatedBytes(id) - before) / n;
    }

    private static FhirValidator validator(FhirContext fhir) {
        FhirInstanceValidator module = new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhir), new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir), new SnapshotGeneratingValidationSupport(fhir)));
        module.setAnyExtensionsAllowed(true);
        return fhir.newValidator().registerValidatorModule(module);
    }

    private static long errors(FhirValidator validator, Bundle bundle) {
        return validator.validateWithResult(bundle).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .count();
    }
}
