package org.harbour.mappings.v2out;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.junit.jupiter.api.Test;

/**
 * Golden outbound files: each Hong Kong golden message's FHIR written back as HL7 v2 2.5.1
 * ({@code golden/X.out.v2}, segments one a line; not .hl7, which the inbound golden test reads), byte for byte, so a change to what Harbour
 * sends to an EMR shows in review. After an intended change, regenerate with
 * {@code -Dgolden.update=true} and review the diff.
 */
class GoldenV2Test {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final Instant NOW = Instant.parse("2026-12-03T02:00:00Z");

    @Test
    void theHongKongMessagesAreWrittenBackAsTheGoldenFilesSay() throws IOException {
        V2ToFhir inbound = new V2ToFhir(TranslatorSettings.defaults());
        FhirToV2 outbound = new FhirToV2(FhirToV2.Settings.defaults());
        List<Path> sources;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            sources = files.filter(f -> f.getFileName().toString().matches("(oru|adt-a01).*\\.hl7"))
                    .sorted().toList();
        }
        assertThat(sources).hasSizeGreaterThanOrEqualTo(5);
        for (Path source : sources) {
            String base = source.getFileName().toString().replaceFirst("\\.hl7$", "");
            V2Message written = outbound.convert(inbound.convert(Files.readAllBytes(source)).bundle(), "GOLD-" + base,
                    "2.5.1", NOW, StandardCharsets.UTF_8);
            String actual = written.text().replace("\r", "\n");
            Path expected = GOLDEN.resolve(base + ".out.v2");
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(expected, actual, StandardCharsets.UTF_8);
            }
            assertThat(expected).as("expected v2 (generate with -Dgolden.update=true)").exists();
            assertThat(actual).as("HL7 v2 written for %s", base).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
        }
    }
}
