package org.harbour.mappings.v2out;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.harbour.mappings.fhir.ConversionReport;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR R4 → HL7 v2, the reverse of the inbound translation, built on HAPI's own v2 message
 * structures (2.5.1, or 2.3.1 for older EMRs) and encoded by HAPI's {@link PipeParser}, which
 * escapes delimiters in values. A Bundle with a DiagnosticReport (or Observations) becomes an
 * ORU^R01 (one OBR per report, one OBX per result with its notes); a Bundle with a Patient and
 * no results an ADT (the event of its MessageHeader when it has one: A01, A03, A04, A08, A11,
 * A13; else A08, an update). Every element of the Bundle that has no place in the message is
 * named in the report. Plain Java: no Camel, no Spring.
 */
public final class FhirToV2 {

    /** Outbound settings: who the hub is in MSH-3/4, the time zone, and how identifiers go back to CX. */
    public record Settings(String sendingApplication, String sendingFacility, ZoneId timezone, String hkidSystem,
            Map<String, String> identifierSystems, org.harbour.mappings.codes.CodeTables codes) {
        public Settings {
            identifierSystems = identifierSystems == null ? Map.of() : Map.copyOf(identifierSystems);
            codes = codes == null ? org.harbour.mappings.codes.CodeTables.builtIn() : codes;
        }

        public static Settings defaults() {
            return new Settings("HARBOUR", "HUB", ZoneId.of("Asia/Hong_Kong"), "urn:harbour:id:hkid", Map.of(), null);
        }
    }

    private static final java.util.Set<String> ADT_EVENTS = java.util.Set.of("A01", "A03", "A04", "A08", "A11", "A13");

    private final Settings settings;
    private final HapiContext hapi;

    public FhirToV2(Settings settings) {
        this.settings = settings;
        this.hapi = new DefaultHapiContext();
        // the values are checked when the message is parsed back (tests, receivers); building takes them as given
        hapi.setValidationContext(new NoValidation());
        // MSH-10 is always the caller's: HAPI's default id generator would keep a counter file in the working directory
        hapi.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
    }

    /**
     * The message for one Bundle.
     *
     * @param controlId MSH-10 (a resend of the same delivery must use the same one)
     * @param version "2.5.1" or "2.3.1"
     */
    public V2Message convert(Bundle bundle, String controlId, String version, java.time.Instant now) {
        return convert(bundle, controlId, version, now, null);
    }

    /** As above, with MSH-18 naming the charset the message will be sent in ({@link V2Message#encode}). */
    public V2Message convert(Bundle bundle, String controlId, String version, java.time.Instant now,
            java.nio.charset.Charset charset) {
        ConversionReport report = new ConversionReport();
        Version v = "2.3.1".equals(version) ? Version.V231 : Version.V251;
        if (!"2.3.1".equals(version) && !"2.5.1".equals(version)) {
            report.warning("MSH-12", "version " + version + " is not written; 2.5.1 instead");
        }
        Resources resources = new Resources(bundle);
        try {
            // an ADT event named by the MessageHeader stays an ADT (its observations as OBX); else results make an ORU
            MessageHeader header = resources.first(MessageHeader.class);
            boolean adt = header != null && header.hasEventCoding() && ADT_EVENTS.contains(header.getEventCoding().getCode());
            boolean results = !adt && (!resources.all(DiagnosticReport.class).isEmpty()
                    || !resources.all(Observation.class).isEmpty());
            String event = results ? "R01" : adtEvent(resources, report);
            Message message = hapi.newMessage(results ? "ORU" : "ADT", event, v);
            Terser t = new Terser(message);
            V2Writer w = new V2Writer(t, settings, report, resources);
            w.msh(results ? "ORU" : "ADT", event, structure(results, event, v), controlId, v.getVersion(), now,
                    resources.first(MessageHeader.class));
            if (charset != null) {
                w.charset(V2Message.msh18(charset));
            }
            if (results) {
                new OruWriter(w, v, resources).write();
            } else {
                new AdtWriter(w, resources, v == Version.V231).write(event);
            }
            resources.reportUnused(report);
            String text = hapi.getPipeParser().encode(message);
            return new V2Message(text, (results ? "ORU^" : "ADT^") + event, controlId, report);
        } catch (HL7Exception e) {
            throw new IllegalArgumentException("the Bundle cannot be written as HL7 v2: " + e.getMessage(), e);
        }
    }

    private static String structure(boolean results, String event, Version v) {
        if (results) {
            return "ORU_R01";
        }
        return switch (event) {
            case "A03" -> "ADT_A03";
            case "A11" -> "ADT_A09";
            default -> "ADT_A01";
        };
    }

    private static String adtEvent(Resources resources, ConversionReport report) {
        MessageHeader header = resources.first(MessageHeader.class);
        if (header != null && header.hasEventCoding()) {
            String code = header.getEventCoding().getCode();
            if (ADT_EVENTS.contains(code)) {
                return code;
            }
            report.warning("MessageHeader.eventCoding", "event " + code + " is not written as ADT; A08 (update) instead");
        }
        if (resources.first(Patient.class) == null) {
            throw new IllegalArgumentException("the Bundle has no Patient and no results: nothing to write as HL7 v2");
        }
        Encounter encounter = resources.first(Encounter.class);
        if (encounter != null && encounter.getStatus() == Encounter.EncounterStatus.FINISHED) {
            return "A03";
        }
        return "A08";
    }

    /**
     * The Bundle's resources by reference (its fullUrls and Type/id), each marked when the message
     * uses it; the rest are reported at the end.
     */
    static final class Resources {
        private final Map<String, Resource> byReference = new LinkedHashMap<>();
        private final List<Resource> all = new ArrayList<>();
        private final java.util.Set<Resource> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Resources(Bundle bundle) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource r = entry.getResource();
                if (r == null) {
                    continue;
                }
                all.add(r);
                if (entry.hasFullUrl()) {
                    byReference.put(entry.getFullUrl(), r);
                }
                if (r.hasIdElement() && r.getIdElement().hasIdPart()) {
                    byReference.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
                    byReference.put("urn:uuid:" + r.getIdElement().getIdPart(), r);
                }
            }
        }

        <T extends Resource> List<T> all(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends Resource> T first(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
        }

        Resource resolve(Reference reference) {
            if (reference == null || !reference.hasReference()) {
                return null;
            }
            return byReference.get(reference.getReference());
        }

        void use(Resource r) {
            if (r != null) {
                used.add(r);
            }
        }

        void reportUnused(ConversionReport report) {
            for (Resource r : all) {
                if (!used.contains(r)) {
                    report.info(r.fhirType() + "/" + r.getIdElement().getIdPart(),
                            "no place in this message: not sent");
                }
            }
        }
    }

    /** A v2 coding-system name for a FHIR system URI (the reverse of the inbound names). */
    static String codingSystem(String system) {
        if (system == null) {
            return null;
        }
        return switch (system) {
            case "http://loinc.org" -> "LN";
            case "http://snomed.info/sct" -> "SCT";
            case "http://unitsofmeasure.org" -> "UCUM";
            case "http://hl7.org/fhir/sid/icd-10" -> "I10";
            case "http://hl7.org/fhir/sid/icd-10-cm" -> "I10C";
            case "http://hl7.org/fhir/sid/icd-9-cm" -> "I9C";
            case "http://hl7.org/fhir/sid/cvx" -> "CVX";
            case "http://www.nlm.nih.gov/research/umls/rxnorm" -> "RXNORM";
            case "http://hl7.org/fhir/sid/ndc" -> "NDC";
            case "http://www.whocc.no/atc" -> "ATC";
            default -> {
                if (system.startsWith("http://terminology.hl7.org/CodeSystem/v2-")) {
                    yield "HL7" + system.substring("http://terminology.hl7.org/CodeSystem/v2-".length());
                }
                // a sender's own system (urn:harbour:code:<sender>:<table>) and any other URI as it is: a v2
                // coding-system name of its own that reads back as the same system, so two senders' local
                // codes stay apart
                if (system.startsWith("urn:oid:")) {
                    yield system.substring("urn:oid:".length());
                }
                yield system;
            }
        };
    }

    static String upper(String text) {
        return text == null ? null : text.toUpperCase(Locale.ROOT);
    }

    /** What HAPI's parser makes of a message this class wrote: for checks and tests. */
    public static PipeParser strictParser() {
        return new DefaultHapiContext().getPipeParser();
    }
}
