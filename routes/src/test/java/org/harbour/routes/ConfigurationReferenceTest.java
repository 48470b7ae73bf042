package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.harbour.routes.config.HarbourProperties;
import org.junit.jupiter.api.Test;

/** Every harbour.* property the hub binds appears in the README's configuration table. */
class ConfigurationReferenceTest {

    @Test
    void readmeTableListsEveryHarbourProperty() throws IOException {
        Path readme = Path.of("../README.md");
        assertThat(readme).exists();
        String text = Files.readString(readme);
        List<String> properties = new ArrayList<>();
        collect("harbour", HarbourProperties.class, properties);
        assertThat(properties).hasSizeGreaterThan(20);
        for (String property : properties) {
            assertThat(text).as("README configuration table").contains("| `" + property + "` |");
        }
    }

    private static void collect(String prefix, Class<?> type, List<String> out) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            if (component.getType().isRecord()) {
                collect(name, component.getType(), out);
            } else {
                out.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
