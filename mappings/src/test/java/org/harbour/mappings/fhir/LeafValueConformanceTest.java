package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.hl7.Hl7Batch;
import org.harbour.mappings.v2.Delimiters;
import org.harbour.mappings.v2.Segment;
import org.harbour.mappings.v2.V2Message;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The check that cannot be fooled: every leaf value of every message (each subcomponent of each
 * component of each repetition of each field, unescaped) must be found in the Bundle, or its
 * place (segment, field, component) must be named in the message's conversion report. Only the
 * written list of structural values below is exempt. Runs over the project's own golden
 * messages always, and over both public corpora beside the checkout (required in CI).
 *
 * <p>"Found in the Bundle" compares what a translation may legitimately change: letters and
 * digits only (so {@code A123456(3)} is found as {@code A1234563}), numbers by value, timestamps
 * by their digits, and codes through the code tables that translate them.
 */
class LeafValueConformanceTest {

    static final Path OWN = Path.of("src", "test", "resources", "golden");
    static final Path CORPUS = Path.of("..", "..", "shared", "corpus");

    /**
     * Structural values: they say how other values are written, not what the message says —
     * coding-system names (their meaning is in the Coding's system), data-type names, identifier
     * types and universal-id types.
     */
    static final Set<String> STRUCTURAL = Set.copyOf(List.of(
            // data types (OBX-2, ED and RP types)
            "AD", "CE", "CF", "CK", "CN", "CNE", "CP", "CWE", "CX", "DR", "DT", "DTM", "ED", "FT", "ID", "IS", "MO",
            "NM", "PN", "RP", "SN", "ST", "TM", "TN", "TS", "TX", "XAD", "XCN", "XON", "XPN", "XTN", "NA", "MA",
            "HD", "EI", "CQ", "NR", "SPS", "CD", "DTN", "EIP", "PL", "VR",
            "Base64", "A", "HEX",
            // coding systems (HL7 table 0396) and universal-id types (table 0301)
            "LN", "LOINC", "SCT", "SNM", "SNM3", "SCT2", "I9", "I9C", "I10", "I10C", "ICD9", "ICD10", "I9CDX",
            "CVX", "MVX", "NDC", "UCUM", "ANS+", "ISO+", "CPT", "CPT4", "C4", "HCPCS", "HL7", "HPC", "NPI",
            "L", "LB", "99L", "ISO", "DNS", "UUID", "URI", "GUID", "CLIA", "X400", "x400", "ISO3166", "HGNC",
            "RXNORM", "NCI", "MDC", "FDDX", "NUCC", "CDCREC", "PHINQUESTION", "HL70396", "USPS",
            // units of time of a duration (SCH-10, TQ1-13), applied to the duration's value
            "MIN", "Min", "min", "S", "s", "H", "HR", "hr", "D", "d", "WK", "MO", "YR",
            // identifier types (HL7 table 0203)
            "MR", "PI", "PT", "PN", "AN", "VN", "SS", "DL", "NPI", "PRN", "EI", "FI", "XX", "NNHKG", "PPN", "BC",
            "MC", "MB", "DN", "EN", "LR", "RRI", "U", "MD", "NI", "NH", "PE", "HC", "AM", "JHN", "HKID"));

    /** Local coding systems: {@code 99zzz} (HL7's rule) and {@code HL7nnnn} table names. */
    static final Pattern STRUCTURAL_PATTERN = Pattern.compile("99[A-Za-z0-9-]{1,10}|HL7\\d{4}|HL7-\\d{4}");

    /**
     * Segments whose field 1 is a set id: it numbers the segment within its group, which the
     * Bundle's order keeps; a positive integer there is structural too.
     */
    static final Set<String> SET_ID_SEGMENTS = Set.of("RXA","PID", "PV1", "NK1", "OBR", "OBX", "NTE", "AL1", "DG1", "PR1",
            "IN1", "FT1", "SPM", "TXA", "AIS", "AIG", "AIL", "AIP", "GT1", "IAM", "TQ1", "TQ2", "ROL", "IN2", "PRT",
            "SFT", "DB1", "ACC", "UB1", "UB2", "CON");

    static final Pattern V2_TIME = Pattern.compile("(\\d{4,14})(?:\\.\\d{1,4})?([+-]\\d{4})?");

    @Test
    void everyLeafValueOfTheProjectsOwnMessagesIsInTheBundleOrTheReport() throws IOException {
        List<String> lost = check("own", files(OWN), 8);
        assertThat(lost).as("leaf values found neither in the Bundle nor in the report").isEmpty();
    }

    @Test
    void everyLeafValueOfThePublicCorporaIsInTheBundleOrTheReport() throws IOException {
        if (!Files.isDirectory(CORPUS) && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            String line = "LeafValueConformanceTest (public corpora) skipped: no corpus at "
                    + CORPUS.toAbsolutePath().normalize() + " (CI=true makes it required)";
            System.out.println(line);
            Assumptions.abort(line);
        }
        assertThat(CORPUS).as("../shared/corpus beside the checkout").isDirectory();
        List<Path> files = new ArrayList<>(files(CORPUS.resolve("ms-fhir-converter-hl7v2")));
        files.addAll(files(CORPUS.resolve("public-v2-samples")));
        List<String> lost = check("corpora", files, 250);
        assertThat(lost).as("leaf values found neither in the Bundle nor in the report").isEmpty();
    }

    @Test
    void aValueTheTranslatorDropsIsCaught() {
        // the check itself: a value the Bundle lacks and the report does not name fails it
        String message = "MSH|^~\\&|LAB|KWH|||20240105083000+0800||ORU^R01|C1|P|2.5.1\r"
                + "PID|1||A1234563^^^HKID^NNHKG||陳^大文\r";
        V2Message parsed = V2Message.parse(message);
        Conversion conversion = new V2ToFhir(TranslatorSettings.defaults()).convert(message);
        List<String> lost = new ArrayList<>();
        Values found = new Values(conversion);
        found.text.remove("大文");
        found.text.removeIf(t -> t.contains("大文"));
        found.tokens.removeIf(t -> t.stream().anyMatch(token -> token.contains("大文")));
        leaves(parsed, "test", found, conversion.report(), lost);
        assertThat(lost).anyMatch(l -> l.contains("PID[1]-5.2") && l.contains("大文"));
    }

    static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        }
    }

    static List<String> check(String label, List<Path> files, int atLeast) throws IOException {
        V2ToFhir translator = new V2ToFhir(TranslatorSettings.defaults());
        List<String> lost = new ArrayList<>();
        int messages = 0;
        for (Path file : files) {
            int n = 0;
            for (byte[] bytes : Hl7Batch.split(Files.readAllBytes(file))) {
                n++;
                messages++;
                String text = V2ToFhir.decode(bytes);
                Conversion conversion = translator.convert(bytes);
                leaves(V2Message.parse(text), file.getFileName() + "#" + n, new Values(conversion), conversion.report(),
                        lost);
            }
        }
        Map<String, Integer> bySegmentField = new TreeMap<>();
        for (String l : lost) {
            String place = l.split(" ")[1].replaceAll("\\[\\d+]", "").replaceAll("\\..*", "");
            bySegmentField.merge(place, 1, Integer::sum);
        }
        Files.createDirectories(Path.of("target"));
        List<String> out = new ArrayList<>();
        bySegmentField.forEach((k, v) -> out.add(v + "\t" + k));
        out.add("");
        out.addAll(lost);
        Files.write(Path.of("target", "leaf-values-lost-" + label + ".txt"), out);
        assertThat(messages).isGreaterThanOrEqualTo(atLeast);
        return lost;
    }

    /** Adds to {@code lost} every leaf value of the message that is neither found nor reported. */
    static void leaves(V2Message message, String where, Values found, ConversionReport report, List<String> lost) {
        Set<String> named = new HashSet<>();
        for (ConversionReport.Entry e : report.entries()) {
            named.add(e.location());
        }
        Delimiters d = message.delimiters();
        for (Segment s : message.segments()) {
            String seg = s.name() + "[" + s.position() + "]";
            if (named.contains(seg)) {
                continue;
            }
            boolean header = s.name().equals("MSH") || s.name().equals("FHS") || s.name().equals("BHS");
            for (int f = header ? 3 : 1; f <= s.size(); f++) {
                String field = seg + "-" + f;
                if (named.contains(field)) {
                    continue;
                }
                String[] repetitions = split(s.peek(f), d.repetition());
                int index = 0;
                for (String repetition : repetitions) {
                    index++;
                    if (named.contains(field + "(" + index + ")")) {
                        continue;
                    }
                    String[] components = split(repetition, d.component());
                    for (int c = 1; c <= components.length; c++) {
                        String[] subs = split(components[c - 1], d.subcomponent());
                        for (int k = 1; k <= subs.length; k++) {
                            String place = subs.length == 1 ? field + "." + c : field + "." + c + "." + k;
                            String value = org.harbour.mappings.v2.Escapes.decode(subs[k - 1], d).strip();
                            // RXA numbers itself in fields 1 and 2 (give and administration sub-id counters)
                            boolean setId = (f == 1 || f == 2 && s.name().equals("RXA")) && c == 1
                                    && SET_ID_SEGMENTS.contains(s.name())
                                    && value.matches("\\d{1,4}");
                            if (setId || value.isEmpty() || value.equals("\"\"") || named.contains(place)
                                    || named.contains(field + "." + c) || isStructural(value) || found.has(value)) {
                                continue;
                            }
                            lost.add(where + " " + place + " '" + value + "'");
                        }
                    }
                }
            }
        }
    }

    static boolean isStructural(String value) {
        return STRUCTURAL.contains(value) || CodeSystems.knownNames().contains(value.toUpperCase(java.util.Locale.ROOT)) || STRUCTURAL_PATTERN.matcher(value).matches()
                || value.codePoints().noneMatch(Character::isLetterOrDigit);
    }

    static String[] split(String text, char separator) {
        return text.split(Pattern.quote(String.valueOf(separator)), -1);
    }

    /** The Bundle's values, in the forms a translation may give them. */
    static final class Values {
        final Set<String> text = new HashSet<>();
        final Set<BigDecimal> numbers = new HashSet<>();
        final Set<String> times = new HashSet<>();
        final List<List<String>> tokens = new ArrayList<>();
        final CodeTables codes = CodeTables.builtIn();

        Values(Conversion conversion) {
            walk(conversion.bundle());
        }

        private void walk(org.hl7.fhir.r4.model.Base element) {
            if (element.isPrimitive()) {
                add(element);
            }
            for (org.hl7.fhir.r4.model.Property property : element.children()) {
                for (org.hl7.fhir.r4.model.Base child : property.getValues()) {
                    if (child != null) {
                        walk(child);
                    }
                }
            }
        }

        private void add(org.hl7.fhir.r4.model.Base p) {
            if (p instanceof org.hl7.fhir.r4.model.Base64BinaryType data && data.getValue() != null) {
                // a text attachment's content is text the reader sees
                String decoded = new String(data.getValue(), java.nio.charset.StandardCharsets.UTF_8);
                text.add(norm(decoded));
                tokens.add(tokens(decoded));
                for (String line : decoded.split("\n")) {
                    text.add(norm(line));
                    tokens.add(tokens(line));
                }
            }
            {
                String v = p.primitiveValue();
                if (v == null) {
                    return;
                }
                String norm = norm(v);
                text.add(norm);
                tokens.add(tokens(v));
                BigDecimal number = V2Types.decimal(v);
                if (number != null) {
                    numbers.add(number.stripTrailingZeros());
                }
                if (p instanceof org.hl7.fhir.r4.model.BaseDateTimeType) {
                    times.add(v.replaceAll("[+-]\\d\\d:\\d\\d$|Z$", "").replaceAll("\\D", ""));
                }
            }
        }

        boolean has(String value) {
            String norm = norm(value);
            if (norm.isEmpty() || text.contains(norm)) {
                return true;
            }
            BigDecimal number = V2Types.decimal(value);
            if (number != null && numbers.contains(number.stripTrailingZeros())) {
                return true;
            }
            var time = V2_TIME.matcher(value);
            if (time.matches() && value.length() >= 8) {
                String digits = time.group(1);
                if (times.stream().anyMatch(t -> t.startsWith(digits) || digits.startsWith(t) && t.length() >= 8)) {
                    return true;
                }
            }
            List<String> wanted = tokens(value);
            if (!wanted.isEmpty() && tokens.stream().anyMatch(t -> java.util.Collections.indexOfSubList(t, wanted) >= 0)) {
                return true;
            }
            return translated(value);
        }

        private boolean translated(String value) {
            for (String table : TABLES) {
                var target = codes.get(table).map(value);
                if (target.isPresent() && text.contains(norm(target.get().code()))) {
                    return true;
                }
            }
            return false;
        }

        /** The runs of letters and digits, lower case: "Dr. CHAN Tai-man" is [dr, chan, tai, man]. */
        static List<String> tokens(String v) {
            List<String> out = new ArrayList<>();
            StringBuilder run = new StringBuilder();
            v.codePoints().forEach(c -> {
                if (Character.isLetterOrDigit(c)) {
                    run.appendCodePoint(Character.toLowerCase(c));
                } else if (run.length() > 0) {
                    out.add(run.toString());
                    run.setLength(0);
                }
            });
            if (run.length() > 0) {
                out.add(run.toString());
            }
            return out;
        }

        static String norm(String v) {
            StringBuilder out = new StringBuilder(v.length());
            v.codePoints().filter(Character::isLetterOrDigit).map(Character::toLowerCase).forEach(out::appendCodePoint);
            return out.toString();
        }
    }

    /** Every code table on the class path (the codes/ folder of the mappings module). */
    static final List<String> TABLES = tables();

    static List<String> tables() {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "resources", "codes"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
