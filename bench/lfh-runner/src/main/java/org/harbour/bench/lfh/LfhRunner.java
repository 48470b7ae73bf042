package org.harbour.bench.lfh;

import io.github.linuxforhealth.hl7.ConverterOptions;
import io.github.linuxforhealth.hl7.HL7ToFHIRConverter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Converts the corpus with the LinuxForHealth converter: which messages it supports (converts
 * without an error into a non-empty Bundle), then single-thread messages per second over those,
 * overall and for ORU and ADT alone. Writes the figures as properties, and each supported
 * message's Bundle as NDJSON beside them (for validation by the Harbour benchmark).
 */
public final class LfhRunner {

    private LfhRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        Path out = Path.of(args[2]);
        HL7ToFHIRConverter converter = new HL7ToFHIRConverter();
        ConverterOptions options = new ConverterOptions.Builder().withBundleType(Bundle.BundleType.COLLECTION)
                .withValidateResource().build();
        ConverterOptions fast = new ConverterOptions.Builder().withBundleType(Bundle.BundleType.COLLECTION).build();
        List<String> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList()) {
                messages.addAll(split(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        List<String> supported = new ArrayList<>();
        List<String> bundles = new ArrayList<>();
        for (String message : messages) {
            try {
                String json = converter.convert(message, fast);
                if (json != null && json.contains("\"entry\"")) {
                    supported.add(message);
                    bundles.add(json.replace("\n", ""));
                }
            } catch (RuntimeException | Error e) {
                // unsupported message type or a conversion failure: not counted as supported
            }
        }
        Properties p = new Properties();
        p.setProperty("messages", Integer.toString(messages.size()));
        p.setProperty("supported", Integer.toString(supported.size()));
        p.setProperty("rate.all", Double.toString(rate(converter, fast, supported, seconds)));
        p.setProperty("rate.oru", Double.toString(rate(converter, fast, only(supported, "ORU"), seconds)));
        p.setProperty("rate.adt", Double.toString(rate(converter, fast, only(supported, "ADT"), seconds)));
        p.setProperty("java", System.getProperty("java.version"));
        try (OutputStream o = Files.newOutputStream(out)) {
            p.store(o, "LinuxForHealth hl7v2-fhir-converter 1.0.19 over the corpus");
        }
        Files.write(Path.of(out.toString().replace(".properties", ".ndjson")), bundles);
        System.out.println(p);
    }

    private static List<String> only(List<String> messages, String type) {
        return messages.stream().filter(m -> {
            String[] f = m.substring(0, m.indexOf('\r') < 0 ? m.length() : m.indexOf('\r')).split("\\|");
            return f.length > 8 && f[8].startsWith(type);
        }).toList();
    }

    /** Messages per second, single thread, after a warm-up of a quarter of the time. */
    private static double rate(HL7ToFHIRConverter converter, ConverterOptions options, List<String> messages, long seconds) {
        if (messages.isEmpty()) {
            return 0;
        }
        long warmUntil = System.nanoTime() + seconds * 250_000_000L;
        int i = 0;
        while (System.nanoTime() < warmUntil) {
            converter.convert(messages.get(i++ % messages.size()), options);
        }
        long start = System.nanoTime();
        long until = start + seconds * 1_000_000_000L;
        long done = 0;
        while (System.nanoTime() < until) {
            converter.convert(messages.get((int) (done % messages.size())), options);
            done++;
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    /** Messages of a file: each starts at MSH; line ends made \r. */
    static List<String> split(String file) throws IOException {
        String text = file.replace("\r\n", "\r").replace('\n', '\r');
        List<String> out = new ArrayList<>();
        int start = text.indexOf("MSH");
        while (start >= 0) {
            int next = text.indexOf("\rMSH", start + 3);
            String message = next < 0 ? text.substring(start) : text.substring(start, next + 1);
            out.add(message.strip());
            start = next < 0 ? -1 : next + 1;
        }
        return out;
    }
}
