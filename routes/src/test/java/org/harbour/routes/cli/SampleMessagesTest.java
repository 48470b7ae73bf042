package org.harbour.routes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.harbour.mappings.fhir.FhirJson;
import org.harbour.mappings.fhir.R4Validation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * The sample messages the README's examples use (samples/ in the repository): each good one
 * converts with {@code convert} as the README runs it, to a Bundle valid against R4; the bad one is
 * refused with a line naming the file, and the exit code says so.
 */
class SampleMessagesTest {

    private static final Path SAMPLES = Path.of("..", "samples");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int convert(String... args) {
        return new ConvertCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        }
    }

    @Test
    void everyGoodSampleConvertsToAValidBundle() throws IOException {
        List<Path> good = samples().stream().filter(p -> !p.getFileName().toString().startsWith("bad-")).toList();
        assertThat(good).hasSizeGreaterThanOrEqualTo(6);
        for (Path sample : good) {
            out.reset();
            err.reset();
            assertThat(convert(sample.toString())).as(sample + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
            Bundle bundle = FhirJson.context().newJsonParser().parseResource(Bundle.class,
                    out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
            assertThat(R4Validation.errors(bundle)).as(sample.toString()).isEmpty();
        }
    }

    @Test
    void theCriticalResultIsFlaggedCritical() {
        assertThat(convert(SAMPLES.resolve("oru-r01-critical-potassium.hl7").toString())).isZero();
        Bundle bundle = FhirJson.context().newJsonParser().parseResource(Bundle.class, out.toString(StandardCharsets.UTF_8));
        Observation potassium = bundle.getEntry().stream().map(e -> e.getResource()).filter(Observation.class::isInstance)
                .map(Observation.class::cast).findFirst().orElseThrow();
        assertThat(potassium.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("HH");
    }

    @Test
    void theBadSampleIsRefusedWithALineNamingIt() {
        Path bad = SAMPLES.resolve("bad-no-msh.hl7");
        assertThat(convert(bad.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad.toString()).contains("no HL7 v2 message found");
    }
}
