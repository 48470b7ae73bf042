package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.harbour.mappings.hl7.Hl7Batch;
import org.harbour.mappings.v2.Segment;
import org.harbour.mappings.v2.V2Message;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conformance over the public corpus beside the checkout (../shared/corpus, 139 messages): every
 * message converts, every Bundle validates against R4 with zero errors, and nothing is lost.
 * In CI ({@code CI=true}) a missing corpus fails the test; on a user's clone without it the test
 * is skipped with one line saying what is missing and where it is looked for.
 */
class CorpusConformanceTest {

    /** Beside the checkout (this module's ../../shared), or where HARBOUR_CORPUS points. */
    static final Path CORPUS = System.getenv("HARBOUR_CORPUS") != null ? Path.of(System.getenv("HARBOUR_CORPUS"))
            : Path.of("..", "..", "shared", "corpus", "ms-fhir-converter-hl7v2");
    static final List<Path> FILES = new ArrayList<>();

    /** Each of these segments must become its resource, or be reported as not mapped. */
    static final java.util.Map<String, String> SEGMENT_RESOURCES = java.util.Map.ofEntries(
            java.util.Map.entry("PID", "Patient"), java.util.Map.entry("AL1", "AllergyIntolerance"),
            java.util.Map.entry("DG1", "Condition"), java.util.Map.entry("PR1", "Procedure"),
            java.util.Map.entry("TXA", "DocumentReference"), java.util.Map.entry("SCH", "Appointment"),
            java.util.Map.entry("IN1", "Coverage"), java.util.Map.entry("PRB", "Condition"),
            java.util.Map.entry("FT1", "ChargeItem"), java.util.Map.entry("SPM", "Specimen"),
            java.util.Map.entry("RXE", "MedicationRequest"), java.util.Map.entry("RXO", "MedicationRequest"),
            java.util.Map.entry("RXD", "MedicationDispense"));

    @BeforeAll
    static void corpus() throws IOException {
        if (!Files.isDirectory(CORPUS) && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            String line = "CorpusConformanceTest skipped: the public HL7 v2 corpus is not at " + CORPUS.toAbsolutePath()
                    .normalize() + " (set HARBOUR_CORPUS to its ms-fhir-converter-hl7v2 folder; CI=true makes it required)";
            System.out.println(line);
            org.junit.jupiter.api.Assumptions.abort(line);
        }
        assertThat(CORPUS).as("the public HL7 v2 corpus (../shared/corpus/ms-fhir-converter-hl7v2, or HARBOUR_CORPUS)"
                + " — it sits beside the checkout on development and CI machines").isDirectory();
        try (Stream<Path> files = Files.list(CORPUS)) {
            files.filter(p -> p.toString().endsWith(".hl7")).sorted().forEach(FILES::add);
        }
        assertThat(FILES).hasSizeGreaterThanOrEqualTo(130);
    }

    static List<String> messages(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (byte[] message : Hl7Batch.split(Files.readAllBytes(file))) {
            out.add(V2ToFhir.decode(message));
        }
        return out;
    }

    @Test
    void everyMessageConvertsAndValidatesWithZeroErrors() throws IOException {
        assertThat(validationErrors(FILES, CORPUS, "corpus-validation-errors.txt", 139)).isEmpty();
    }

    /** The second corpus: other projects' test suites and examples, messier (batches, odd delimiters, charsets). */
    @Test
    void everyMessageOfTheSecondCorpusConvertsAndValidatesWithZeroErrors() throws IOException {
        Path second = CORPUS.resolveSibling("public-v2-samples");
        assertThat(second).as("../shared/corpus/public-v2-samples").isDirectory();
        assertThat(validationErrors(LeafValueConformanceTest.files(second), second, "corpus2-validation-errors.txt", 135))
                .isEmpty();
    }

    /** Every message of the files converted and validated: what threw and each validation error, also written to target/. */
    private static List<String> validationErrors(List<Path> files, Path base, String out, int atLeast) throws IOException {
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        List<String> failures = new ArrayList<>();
        int messages = 0;
        for (Path file : files) {
            int n = 0;
            for (byte[] message : Hl7Batch.split(Files.readAllBytes(file))) {
                n++;
                messages++;
                String where = base.relativize(file) + "#" + n;
                try {
                    for (SingleValidationMessage error : R4Validation.errors(translator.convert(message).bundle())) {
                        failures.add(where + " " + error.getLocationString() + ": " + error.getMessage());
                    }
                } catch (RuntimeException e) {
                    failures.add(where + " threw " + e);
                }
            }
        }
        Files.write(Path.of("target", out), failures);
        assertThat(messages).as("messages in %s", base).isGreaterThanOrEqualTo(atLeast);
        return failures;
    }

    @Test
    void theValidatorItselfRejectsAnInvalidResource() {
        org.hl7.fhir.r4.model.Observation noStatus = new org.hl7.fhir.r4.model.Observation();
        noStatus.getCode().setText("potassium");
        assertThat(R4Validation.errors(noStatus)).isNotEmpty();
        org.hl7.fhir.r4.model.Patient badGender = new org.hl7.fhir.r4.model.Patient();
        badGender.addIdentifier().setSystem("urn:oid:2.4").setValue("x");
        assertThat(R4Validation.errors(badGender)).isNotEmpty();
    }

    @Test
    void nothingIsLostEachClinicalSegmentBecomesItsResourceOrIsReported() throws IOException {
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        List<String> lost = new ArrayList<>();
        for (Path file : FILES) {
            for (String text : messages(file)) {
                V2Message parsed = V2Message.parse(text);
                Conversion conversion = translator.convert(text);
                Bundle bundle = conversion.bundle();
                String where = file.getFileName() + " " + parsed.controlId();
                SEGMENT_RESOURCES.forEach((segment, resource) ->
                        expect(lost, where, parsed, bundle, conversion.report(), segment, resource));
                long rxa = parsed.all("RXA").size();
                long given = count(bundle, "Immunization") + count(bundle, "MedicationAdministration");
                if (given < rxa) {
                    lost.add(where + ": " + rxa + " RXA but " + given + " Immunization/MedicationAdministration");
                }
                long obx = parsed.all("OBX").size();
                long documentLines = parsed.all("TXA").isEmpty() ? 0 : obx;
                long observations = count(bundle, "Observation");
                if (observations + documentLines < obx) {
                    lost.add(where + ": " + obx + " OBX but " + observations + " Observations");
                }
            }
        }
        assertThat(lost).isEmpty();
    }

    private static void expect(List<String> lost, String where, V2Message parsed, Bundle bundle, ConversionReport report,
            String segment, String resource) {
        List<Segment> segments = parsed.all(segment);
        if (segments.isEmpty()) {
            return;
        }
        long reported = segments.stream().filter(s -> report.entries().stream()
                .anyMatch(e -> e.location().startsWith(segment + "[" + s.position() + "]")
                        && e.message().startsWith("segment not mapped"))).count();
        if (count(bundle, resource) + reported < segments.size()) {
            lost.add(where + ": " + segments.size() + " " + segment + " but " + count(bundle, resource) + " " + resource);
        }
    }

    static long count(Bundle bundle, String type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).map(Resource::fhirType)
                .filter(type::equals).count();
    }
}
