package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.harbour.mappings.hl7.Hl7Batch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * No input makes the translator throw: mutations of every message (segments dropped, swapped or
 * duplicated, fields emptied or filled with delimiters, the message cut short, bytes flipped)
 * each yield a Bundle with its report, or the one documented refusal (no MSH:
 * IllegalArgumentException). In the hub anything else would end in the dead-letter queue.
 * The mutations are drawn from a fixed seed, so a failure is repeatable.
 */
class TranslatorFuzzTest {

    private static final int MUTATIONS_PER_MESSAGE = 12;

    private final V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());

    @Test
    void mutationsOfTheProjectsOwnMessagesNeverMakeTheTranslatorThrow() throws IOException {
        assertThat(failures(LeafValueConformanceTest.files(LeafValueConformanceTest.OWN), 8)).isEmpty();
    }

    @Test
    void mutationsOfBothPublicCorporaNeverMakeTheTranslatorThrow() throws IOException {
        Path corpus = LeafValueConformanceTest.CORPUS;
        if (!Files.isDirectory(corpus) && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            String line = "TranslatorFuzzTest (public corpora) skipped: no corpus at " + corpus.toAbsolutePath().normalize()
                    + " (CI=true makes it required)";
            System.out.println(line);
            Assumptions.abort(line);
        }
        assertThat(failures(LeafValueConformanceTest.files(corpus), 250)).isEmpty();
    }

    private List<String> failures(List<Path> files, int atLeast) throws IOException {
        Random random = new Random(20261207);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        int messages = 0;
        for (Path file : files) {
            for (byte[] message : Hl7Batch.split(Files.readAllBytes(file))) {
                messages++;
                for (int i = 0; i < MUTATIONS_PER_MESSAGE; i++) {
                    Mutated m = mutate(message, random);
                    tried++;
                    try {
                        Conversion c = translator.convert(m.bytes());
                        assertThat(c.bundle()).isNotNull();
                    } catch (IllegalArgumentException refused) {
                        if (new String(m.bytes(), StandardCharsets.ISO_8859_1).contains("MSH")) {
                            failures.add(file.getFileName() + " " + m.how() + ": refused although it has an MSH: " + refused);
                        }
                    } catch (RuntimeException | StackOverflowError e) {
                        failures.add(file.getFileName() + " " + m.how() + ": " + e);
                    }
                }
            }
        }
        assertThat(messages).isGreaterThanOrEqualTo(atLeast);
        assertThat(tried).isEqualTo(messages * MUTATIONS_PER_MESSAGE);
        return failures;
    }

    record Mutated(byte[] bytes, String how) {
    }

    static Mutated mutate(byte[] message, Random random) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        List<String> segments = new ArrayList<>(Arrays.asList(text.split("\r")));
        int kind = random.nextInt(8);
        int at = random.nextInt(segments.size());
        switch (kind) {
            case 0 -> {
                if (segments.size() > 1) {
                    segments.remove(Math.max(1, at));
                }
            }
            case 1 -> {
                int other = random.nextInt(segments.size());
                String s = segments.get(at);
                segments.set(at, segments.get(other));
                segments.set(other, s);
            }
            case 2 -> segments.add(at, segments.get(random.nextInt(segments.size())));
            case 3 -> segments.set(at, emptyField(segments.get(at), random));
            case 4 -> segments.set(at, delimitersIn(segments.get(at), random));
            case 5 -> {
                String joined = String.join("\r", segments);
                return new Mutated(joined.substring(0, random.nextInt(joined.length() + 1))
                        .getBytes(StandardCharsets.ISO_8859_1), "cut short");
            }
            case 6 -> {
                byte[] flipped = message.clone();
                for (int k = 0; k < 4; k++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                return new Mutated(flipped, "bytes flipped");
            }
            default -> segments.set(at, segments.get(at) + "|" + "9".repeat(random.nextInt(40)) + "^^&&~~\\X0\\");
        }
        return new Mutated(String.join("\r", segments).getBytes(StandardCharsets.ISO_8859_1),
                "mutation " + kind + " at segment " + at);
    }

    private static String emptyField(String segment, Random random) {
        String[] fields = segment.split("\\|", -1);
        if (fields.length > 2) {
            fields[1 + random.nextInt(fields.length - 1)] = random.nextBoolean() ? "" : "\"\"";
        }
        return String.join("|", fields);
    }

    private static String delimitersIn(String segment, Random random) {
        String[] fields = segment.split("\\|", -1);
        if (fields.length > 2) {
            fields[1 + random.nextInt(fields.length - 1)] = "^~&\\^^^&&&~~~\\E\\\\H\\";
        }
        return String.join("|", fields);
    }
}
