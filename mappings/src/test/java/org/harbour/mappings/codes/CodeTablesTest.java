package org.harbour.mappings.codes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeTablesTest {

    @Test
    void builtInTablesMapAndKeepAFallbackForUnknownCodes() {
        CodeTable gender = CodeTables.builtIn().get("administrative-gender");
        assertThat(gender.map("F")).get().extracting(CodeTable.Target::code).isEqualTo("female");
        assertThat(gender.map("Q")).isEmpty();
        assertThat(gender.codeOrFallback("Q")).isEqualTo("unknown");
    }

    @Test
    void deployTimeOverridesExtendAndReplaceBuiltInCodes(@TempDir Path config) throws IOException {
        Files.writeString(config.resolve("units.yaml"), """
                codes:
                  "mmol/L": {code: mmol/L, display: millimole per litre}
                  "MMOL PER L": mmol/L
                """);
        CodeTables tables = new CodeTables(config);
        assertThat(tables.get("units").map("MMOL PER L")).get().extracting(CodeTable.Target::code).isEqualTo("mmol/L");
        assertThat(tables.get("units").map("mmol/L")).get().extracting(CodeTable.Target::display)
                .isEqualTo("millimole per litre");
        assertThat(tables.get("units").map("mg/dL")).isPresent();
        assertThat(tables.get("units").targetSystem()).isEqualTo("http://unitsofmeasure.org");
    }

    @Test
    void closedSystemsKnowTheirCodes() {
        CodeTables tables = CodeTables.builtIn();
        assertThat(tables.defines("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")).isTrue();
        assertThat(tables.defines("http://terminology.hl7.org/CodeSystem/v2-0203", "NNHKG")).isFalse();
        assertThat(tables.defines("urn:harbour:code:KWH:local", "anything")).isTrue();
    }

    @Test
    void anUnknownTableIsAnError() {
        assertThatThrownBy(() -> CodeTables.builtIn().get("no-such-table")).isInstanceOf(IllegalArgumentException.class);
    }
}
