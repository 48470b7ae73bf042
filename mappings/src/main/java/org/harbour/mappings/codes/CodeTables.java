package org.harbour.mappings.codes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The code tables: YAML data under {@code codes/} on the class path, one file a value set, with
 * deploy-time overrides from a directory ({@code config/codes/<name>.yaml}), whose codes replace
 * or extend the built-in ones. File shape:
 *
 * <pre>
 * source: http://terminology.hl7.org/CodeSystem/v2-0001   # what the codes come from
 * target: http://hl7.org/fhir/administrative-gender       # default system of the targets
 * fallback: unknown                                      # target for an unknown code, if any
 * codes:
 *   M: male                                              # code only
 *   F: {code: female, display: Female}                   # or code, display, system
 * </pre>
 */
public final class CodeTables {

    private final Path overrides;
    private final Map<String, CodeTable> tables = new ConcurrentHashMap<>();
    private volatile Map<String, java.util.Set<String>> closed;

    /** @param overrides directory of override files, or null for the built-in tables only */
    public CodeTables(Path overrides) {
        this.overrides = overrides;
    }

    public static CodeTables builtIn() {
        return new CodeTables(null);
    }

    /** The table of that name; throws when no such table exists. */
    public CodeTable get(String name) {
        return tables.computeIfAbsent(name, this::load);
    }

    /**
     * False when {@code system} is a closed code system of the FHIR specification (an HL7 v2
     * table, DICOM) that does not define {@code code}; true otherwise. A code that fails this
     * would make the output invalid, so translators keep it under the sender's own system.
     */
    public boolean defines(String system, String code) {
        java.util.Set<String> codes = closedSystems().get(system);
        return codes == null || codes.contains(code);
    }

    private Map<String, java.util.Set<String>> closedSystems() {
        Map<String, java.util.Set<String>> loaded = closed;
        if (loaded == null) {
            Map<String, java.util.Set<String>> read = new java.util.HashMap<>();
            try (InputStream in = CodeTables.class.getResourceAsStream("/codes/closed-code-systems.txt")) {
                if (in == null) {
                    throw new IllegalStateException("codes/closed-code-systems.txt is missing from the class path");
                }
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    int tab = line.indexOf('\t');
                    if (!line.startsWith("#") && tab > 0) {
                        read.put(line.substring(0, tab), new java.util.HashSet<>(java.util.Arrays.asList(line.substring(tab + 1).split(" "))));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loaded = Map.copyOf(read);
            closed = loaded;
        }
        return loaded;
    }

    private CodeTable load(String name) {
        Map<String, Object> base;
        try (InputStream in = CodeTables.class.getResourceAsStream("/codes/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no code table " + name);
            }
            base = yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> merged = new LinkedHashMap<>(base);
        Map<String, Object> codes = new LinkedHashMap<>(section(base));
        if (overrides != null) {
            Path file = overrides.resolve(name + ".yaml");
            if (Files.isReadable(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    Map<String, Object> local = yaml().load(in);
                    if (local != null) {
                        local.forEach((k, v) -> {
                            if (!k.equals("codes")) {
                                merged.put(k, v);
                            }
                        });
                        codes.putAll(section(local));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("reading code table override " + file, e);
                }
            }
        }
        String target = string(merged.get("target"));
        Map<String, CodeTable.Target> targets = new LinkedHashMap<>();
        codes.forEach((code, value) -> targets.put(code, target(value, target)));
        // in the file's order: the first source code for a target is the one the outbound direction writes
        return new CodeTable(name, string(merged.get("source")), target, string(merged.get("fallback")),
                java.util.Collections.unmodifiableMap(targets));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> file) {
        Object codes = file == null ? null : file.get("codes");
        if (codes == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) codes).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static CodeTable.Target target(Object value, String defaultSystem) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> m = (Map<String, Object>) map;
            String system = m.containsKey("system") ? string(m.get("system")) : defaultSystem;
            return new CodeTable.Target(system, string(m.get("code")), string(m.get("display")));
        }
        return new CodeTable.Target(defaultSystem, string(value), null);
    }

    private static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
