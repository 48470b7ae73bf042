package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each {@code golden/X.hl7} (Hong Kong flavoured messages written for Harbour)
 * converts to the FHIR Bundle in {@code X.json}, compared as JSON trees (key order and spacing
 * do not matter), with the conversion report in {@code X.report.txt}, and validates with zero
 * errors. After an intended change, regenerate with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenFileTest {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> eachGoldenMessageConvertsToItsExpectedBundle() throws IOException {
        V2ToFhir translator = new V2ToFhir(new TranslatorSettings(java.time.ZoneId.of("Asia/Hong_Kong"),
                org.harbour.mappings.codes.CodeTables.builtIn(), org.harbour.mappings.id.Hkid.SYSTEM,
                java.util.Map.of(), "test"));
        List<Path> inputs;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            inputs = files.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        }
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(8);
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            Conversion conversion = translator.convert(Files.readAllBytes(input));
            String json = R4Validation.FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(conversion.bundle());
            String report = conversion.report().entries().stream().map(Object::toString)
                    .collect(Collectors.joining("\n", "", "\n"));
            String base = input.getFileName().toString().replace(".hl7", "");
            Path expectedJson = GOLDEN.resolve(base + ".json");
            Path expectedReport = GOLDEN.resolve(base + ".report.txt");
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(expectedJson, json + "\n");
                Files.writeString(expectedReport, report);
            }
            assertThat(R4Validation.errors(conversion.bundle())).as("validation errors").isEmpty();
            assertThat(expectedJson).as("expected Bundle (generate with -Dgolden.update=true)").exists();
            JsonNode expected = JSON.readTree(Files.readString(expectedJson));
            JsonNode actual = JSON.readTree(json);
            if (!expected.equals(actual)) {
                Path out = Path.of("target", "golden-actual", base + ".json");
                Files.createDirectories(out.getParent());
                Files.writeString(out, json);
            }
            assertThat(actual).as("Bundle of %s (actual written to target/golden-actual)", base).isEqualTo(expected);
            assertThat(report).as("conversion report of %s", base).isEqualTo(Files.readString(expectedReport));
        }));
    }
}
