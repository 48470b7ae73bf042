package org.harbour.mappings.v2out;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.hl7.Hl7Batch;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * v2 → FHIR → v2 → FHIR: the FHIR made from the message Harbour writes equals the FHIR made from
 * the original on every element the outbound mapping covers (patient identity, visit, reports and
 * results), element by element, with every difference listed; every message written parses with
 * HAPI's strict parser and passes its default validation. Over the Hong Kong golden files always,
 * and over the public corpus's results and ADT messages in CI.
 */
class FhirToV2RoundTripTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path CORPUS = Path.of("../../shared/corpus");
    private static final Instant NOW = Instant.parse("2026-12-03T02:00:00Z");

    private final V2ToFhir inbound = new V2ToFhir(TranslatorSettings.defaults());
    private final FhirToV2 outbound = new FhirToV2(FhirToV2.Settings.defaults());
    private final HapiContext strict = new DefaultHapiContext();

    @Test
    void theHongKongGoldenMessagesComeBackTheSame() throws IOException {
        List<String> differences = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".hl7")).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("oru") || name.startsWith("adt-a01")) {
                    differences.addAll(roundTrip(name, Files.readAllBytes(file), "2.5.1"));
                    differences.addAll(roundTrip(name + " (2.3.1)", Files.readAllBytes(file), "2.3.1"));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
        assertThat(differences).as("differences after v2 → FHIR → v2 → FHIR").isEmpty();
    }

    @Test
    void theCorpusResultsAndAdmissionsComeBackTheSame() throws IOException {
        if (!Files.isDirectory(CORPUS) && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.abort("the public corpus is not at " + CORPUS.toAbsolutePath().normalize()
                    + " (CI=true makes it required)");
        }
        List<String> differences = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(CORPUS)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".md")).sorted()
                    .toList()) {
                int n = 0;
                for (byte[] message : Hl7Batch.split(Files.readAllBytes(file))) {
                    n++;
                    String text = new String(message, StandardCharsets.ISO_8859_1);
                    if (!isResultOrAdmission(text)) {
                        continue;
                    }
                    checked++;
                    differences.addAll(roundTrip(CORPUS.relativize(file) + "#" + n, message, "2.5.1"));
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(differences).as("differences after v2 → FHIR → v2 → FHIR over " + checked + " corpus messages")
                .isEmpty();
    }

    /** ORU^R01 or ADT^A01/A03/A04/A08, by MSH-9 of the message's first segment. */
    private static boolean isResultOrAdmission(String text) {
        if (!text.startsWith("MSH") || text.length() < 8) {
            return false;
        }
        String first = text.split("[\r\n]", 2)[0];
        String[] fields = first.split(java.util.regex.Pattern.quote(String.valueOf(first.charAt(3))), -1);
        if (fields.length < 9) {
            return false;
        }
        String type = fields[8];
        char component = first.charAt(4);
        String[] parts = type.split(java.util.regex.Pattern.quote(String.valueOf(component)));
        return parts.length >= 2 && (parts[0].equals("ORU") && parts[1].equals("R01")
                || parts[0].equals("ADT") && java.util.Set.of("A01", "A03", "A04", "A08").contains(parts[1]));
    }

    private List<String> roundTrip(String where, byte[] original, String version) {
        List<String> out = new ArrayList<>();
        Bundle first;
        try {
            first = inbound.convert(original).bundle();
        } catch (RuntimeException e) {
            return out; // not the outbound mapping's concern: the inbound conformance tests own it
        }
        boolean anything = first.getEntry().stream().anyMatch(e -> e.getResource() instanceof Patient
                || e.getResource() instanceof Observation);
        if (!anything) {
            return out; // no patient, no results: nothing an outbound message would carry
        }
        V2Message written;
        try {
            written = outbound.convert(first, "RT-1", version, NOW);
        } catch (RuntimeException e) {
            out.add(where + ": could not be written: " + e);
            return out;
        }
        try {
            strict.getPipeParser().parse(written.text());
        } catch (Exception e) {
            out.add(where + ": HAPI's strict parser refuses what was written: " + e.getMessage() + "\n"
                    + written.text().replace('\r', '\n'));
            return out;
        }
        Bundle second = inbound.convert(written.encode(StandardCharsets.UTF_8)).bundle();
        List<String> after = covered(second);
        if (hasResultsWithoutReport(first)) {
            // ORU has no OBX outside an OBR: those results come back under a report of their own
            List<String> reportsBefore = covered(first).stream().filter(l -> l.startsWith("DiagnosticReport ")).toList();
            List<String> extra = new ArrayList<>(after.stream().filter(l -> l.startsWith("DiagnosticReport ")).toList());
            reportsBefore.forEach(extra::remove);
            extra.forEach(after::remove);
        }
        compare(where, covered(first), after, out);
        return out;
    }

    private static boolean hasResultsWithoutReport(Bundle bundle) {
        java.util.Set<String> reported = new java.util.HashSet<>();
        bundle.getEntry().stream().filter(e -> e.getResource() instanceof DiagnosticReport).forEach(e ->
                ((DiagnosticReport) e.getResource()).getResult().forEach(r -> reported.add(r.getReference())));
        return bundle.getEntry().stream().anyMatch(e -> e.getResource() instanceof Observation
                && !reported.contains(e.getFullUrl()));
    }

    private static void compare(String where, List<String> before, List<String> after, List<String> out) {
        List<String> missing = new ArrayList<>(before);
        after.forEach(missing::remove);
        List<String> extra = new ArrayList<>(after);
        before.forEach(extra::remove);
        missing.forEach(m -> out.add(where + ": lost or changed: " + m));
        extra.forEach(m -> out.add(where + ": appeared or changed: " + m));
    }

    /**
     * The elements the outbound mapping covers, one line per resource (and per identifier, name,
     * phone and address), ids left out: compared as a multiset, since a message's segments may
     * come back in another order in the Bundle.
     */
    static List<String> covered(Bundle bundle) {
        List<String> m = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Patient p) {
                p.getIdentifier().forEach(id -> m.add("Patient.identifier " + id.getSystem() + "|" + id.getValue()));
                for (HumanName n : p.getName()) {
                    if (!n.hasFamily() && !n.hasGiven() && !n.hasText()) {
                        continue; // a name with no name in it: nothing to carry
                    }
                    m.add("Patient.name " + n.getFamily() + "|" + n.getGivenAsSingleString() + "|"
                            + (n.hasUse() ? n.getUse().toCode() : "") + "|ideographic=" + n.hasExtension());
                }
                m.add("Patient " + (p.hasGender() ? p.getGender().toCode() : "") + " born "
                        + (p.hasBirthDateElement() ? p.getBirthDateElement().getValueAsString() : ""));
                p.getTelecom().forEach(t -> m.add("Patient.telecom " + t.getValue() + " " + (t.hasUse() ? t.getUse().toCode() : "")));
                for (var a : p.getAddress()) {
                    if (a.getLine().isEmpty() && !a.hasCity() && !a.hasState() && !a.hasCountry() && !a.hasDistrict()
                            && !a.hasPostalCode()) {
                        continue; // an address with no place in it (a use alone, or text): nothing to carry
                    }
                    m.add("Patient.address " + a.getLine() + "|" + a.getCity() + "|" + a.getState() + "|" + a.getCountry()
                            + "|" + a.getDistrict() + "|" + a.getPostalCode() + "|" + (a.hasUse() ? a.getUse().toCode() : ""));
                }
            } else if (entry.getResource() instanceof DiagnosticReport r) {
                m.add("DiagnosticReport " + code(r.getCode()) + " " + (r.hasStatus() ? r.getStatus().toCode() : "")
                        + " effective " + (r.hasEffectiveDateTimeType() ? moment(r.getEffectiveDateTimeType()) : "")
                        + " issued " + (r.hasIssued() ? moment(r.getIssuedElement()) : "") + " ids "
                        + r.getIdentifier().stream().map(id -> id.getValue()).sorted().toList());
            } else if (entry.getResource() instanceof Observation o) {
                m.add("Observation " + code(o.getCode()) + " " + (o.hasStatus() ? o.getStatus().toCode() : "")
                        + " value " + (o.hasValue() ? value(o) : "") + " effective "
                        + (o.hasEffectiveDateTimeType() ? moment(o.getEffectiveDateTimeType()) : "")
                        // OBX-8 carries codes only: a flag outside table 0078 comes back under the hub's own system
                        + " flags " + o.getInterpretation().stream().flatMap(i -> i.getCoding().stream())
                                .map(c -> c.getCode()).sorted().toList()
                        + " range " + (o.hasReferenceRange() ? o.getReferenceRangeFirstRep().getText() : "")
                        + " notes " + o.getNote().stream().map(n -> n.getText()).toList());
            } else if (entry.getResource() instanceof Encounter e) {
                m.add("Encounter " + (e.hasClass_() ? e.getClass_().getCode() : "") + " from "
                        + (e.getPeriod().hasStart() ? moment(e.getPeriod().getStartElement()) : "") + " to "
                        + (e.getPeriod().hasEnd() ? moment(e.getPeriod().getEndElement()) : ""));
            }
        }
        java.util.Collections.sort(m);
        return m;
    }

    /** A time as the moment it names at its precision (the hub writes it in its own zone: the same moment). */
    private static String moment(org.hl7.fhir.r4.model.BaseDateTimeType t) {
        if (t.getPrecision().ordinal() <= ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY.ordinal()) {
            return t.getValueAsString();
        }
        return t.getValue().toInstant() + " (" + t.getPrecision() + ")";
    }

    private static String code(org.hl7.fhir.r4.model.CodeableConcept cc) {
        return cc.getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).toList() + (cc.getCoding().isEmpty()
                ? "text:" + cc.getText() : "");
    }

    private static String value(Observation o) {
        if (o.hasValueQuantity()) {
            var q = o.getValueQuantity();
            return (q.hasComparator() ? q.getComparator().toCode() : "") + q.getValue().toPlainString() + " " + q.getCode()
                    + " " + q.getUnit();
        }
        if (o.hasValueCodeableConcept()) {
            return code(o.getValueCodeableConcept());
        }
        if (o.hasValueStringType()) {
            return o.getValueStringType().getValue();
        }
        if (o.hasValueDateTimeType()) {
            return moment(o.getValueDateTimeType());
        }
        if (o.getValue() instanceof org.hl7.fhir.r4.model.PrimitiveType<?> p) {
            return p.getValueAsString();
        }
        return o.getValue().fhirType();
    }

    @Test
    void writingLeavesNoFileBehind() {
        Path counter = Path.of("id_file");
        assertThat(counter).doesNotExist();
        outbound.convert(inbound.convert(("MSH|^~\\&|LIS|QEH|HARBOUR|HUB|20261123081500+0800||ADT^A08^ADT_A01|Q-2|P|2.5.1\r"
                + "PID|1||QEH1^^^QEH^MR||CHAN^TAI MAN||19600101|M\r").getBytes(StandardCharsets.UTF_8)).bundle(), "RT-3",
                "2.5.1", NOW);
        assertThat(counter).as("HAPI's id counter file").doesNotExist();
    }

    @Test
    void aCharacterTheDestinationsCharsetCannotHoldIsReported() {
        V2Message message = outbound.convert(inbound.convert(("MSH|^~\\&|LIS|QEH|HARBOUR|HUB|20261123081500+0800||"
                + "ADT^A08^ADT_A01|Q-1|P|2.5.1\rPID|1||QEH1^^^QEH^MR||𠀀^大文^^^^^L||19600101|M\r")
                .getBytes(StandardCharsets.UTF_8)).bundle(), "RT-2", "2.5.1", NOW);
        byte[] big5 = message.encode(Charset.forName("Big5"));
        assertThat(new String(big5, Charset.forName("Big5"))).contains("?^大文");
        assertThat(message.report().entries()).anySatisfy(e -> assertThat(e.toString())
                .contains("U+20000 cannot be written in Big5"));
    }
}
