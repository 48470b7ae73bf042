package org.harbour.mappings.fhir;

import java.util.HashMap;
import java.util.Map;
import org.harbour.mappings.codes.CodeTable;
import org.harbour.mappings.v2.Segment;
import org.harbour.mappings.v2.V2Message;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The state of one message's translation: the Bundle being built, the report, ids, the patient
 * and encounter the message is about, and shared resources (practitioners, organizations,
 * locations) made once however often they are named. Not shared between messages.
 */
final class MappingContext {

    final V2Message message;
    final ConversionReport report = new ConversionReport();
    final Bundle bundle = new Bundle();
    final V2Types types;
    final TranslatorSettings settings;
    final String sender;
    final String trigger;
    private final Ids ids;
    private final Map<String, Resource> shared = new HashMap<>();
    Patient patient;
    Encounter encounter;
    /** The sender's key of the order being mapped (placer, else filler order number); null outside orders. */
    String orderKey;
    /** The sender's key of the message's patient (first PID-3 identifier and its authority); null without one. */
    String patientKey;
    private final Map<String, Integer> stableKeys = new HashMap<>();

    /** @param variant the message store's collision variant (null for the first message under its control id) */
    MappingContext(V2Message message, TranslatorSettings settings, String variant) {
        this.message = message;
        this.settings = settings;
        Segment msh = message.msh();
        String facility = msh.peekField(4).text(1);
        String application = msh.peekField(3).text(1);
        // a message naming neither its facility nor its application still needs a namespace for its ids
        this.sender = !facility.isEmpty() ? facility : !application.isEmpty() ? application : "unknown-sender";
        this.trigger = msh.field(9).text(2);
        this.ids = new Ids(sender, msh.text(3), variant == null ? message.controlId()
                : message.controlId() + "#" + variant);
        this.types = new V2Types(this, new V2Time(zone(msh, settings, sender)), new CodeSystems(sender), settings);
        bundle.setType(Bundle.BundleType.TRANSACTION);
        bundle.setId(ids.id("Bundle"));
    }

    /**
     * The zone of the message's timestamps that carry no offset: MSH-7's own offset when it has one
     * (the sender said where it is), else the sender's configured zone, else harbour.timezone.
     */
    private static final java.util.regex.Pattern MESSAGE_OFFSET = java.util.regex.Pattern.compile(
            "\\d{4,14}(?:\\.\\d{1,4})?([+-]\\d{4})");

    static java.time.ZoneId zone(Segment msh, TranslatorSettings settings, String sender) {
        var offset = MESSAGE_OFFSET.matcher(msh.peekField(7).text(1));
        if (offset.matches()) {
            String o = offset.group(1);
            try {
                return java.time.ZoneOffset.ofHoursMinutes(Integer.parseInt(o.substring(0, 3)),
                        (o.charAt(0) == '-' ? -1 : 1) * Integer.parseInt(o.substring(3, 5)));
            } catch (java.time.DateTimeException e) {
                // an offset out of range: the message's times are read in the configured zone
            }
        }
        return settings.zoneOf(sender);
    }

    CodeTable table(String name) {
        return settings.codes().get(name);
    }

    boolean codesDefine(String system, String code) {
        return settings.codes().defines(system, code);
    }

    String id(String position) {
        return ids.id(position);
    }

    /** Adds a resource made from a position in the message, with its deterministic id. */
    <T extends Resource> T add(T resource, String position) {
        resource.setId(ids.id(resource.fhirType() + "|" + position));
        Bundle.BundleEntryComponent entry = bundle.addEntry();
        entry.setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart());
        entry.setResource(resource);
        entry.getRequest().setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
        return resource;
    }

    /**
     * Adds a record the sender keys itself ({@link Ids#stable}): its id is the same in every
     * message from this source. A key used twice in one message (two results of the same test
     * without sub-ids) is counted, so each keeps its own id. Without a key, the position decides.
     */
    <T extends Resource> T addStable(T resource, String key, String position) {
        if (key == null || key.isEmpty()) {
            return add(resource, position);
        }
        String full = resource.fhirType() + "|" + key;
        int seen = stableKeys.merge(full, 1, Integer::sum);
        add(resource, position);
        resource.setId(ids.stable(seen == 1 ? full : full + "#" + seen));
        Bundle.BundleEntryComponent entry = bundle.getEntry().get(bundle.getEntry().size() - 1);
        entry.setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart());
        entry.getRequest().setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
        return resource;
    }

    /**
     * The key of a record the sender does not number itself (an allergy, a diagnosis, a vaccination):
     * the patient's key, the kind, what names the record ({@code what}, required) and what tells
     * two of the same apart ({@code detail}, may be empty). Null without a patient key or
     * {@code what}: the record then keeps its position-based id.
     */
    String patientRecordKey(String kind, String what, String detail) {
        if (patientKey == null || what == null || what.isEmpty()) {
            return null;
        }
        return patientKey + "|" + kind + "|" + what + "|" + (detail == null ? "" : detail);
    }

    /** A coded field's code and coding system (CWE-1 ^ CWE-3) as a key part; "" when it has no code. */
    static String codeKey(Segment segment, int field) {
        org.harbour.mappings.v2.Composite code = segment.peekField(field);
        return code.text(1).isEmpty() ? "" : code.text(1) + "^" + code.text(3);
    }

    /** A key the sender gives the record itself (a document or appointment number); null when empty. */
    static String senderKey(String kind, String raw) {
        return raw == null || raw.isEmpty() ? null : kind + "|" + raw;
    }

    /**
     * A resource shared within the message under a content key (the same doctor named in PV1 and
     * OBR is one Practitioner); {@code make} runs the first time only.
     */
    @SuppressWarnings("unchecked")
    <T extends Resource> T shared(String key, java.util.function.Supplier<T> make) {
        Resource existing = shared.get(key);
        if (existing != null) {
            return (T) existing;
        }
        T made = make.get();
        addStable(made, "shared|" + key, "shared|" + key);
        shared.put(key, made);
        return made;
    }

    static Reference ref(Resource resource) {
        return new Reference("urn:uuid:" + resource.getIdElement().getIdPart());
    }

    Reference patientRef() {
        return patient == null ? null : ref(patient);
    }

    /**
     * The patient, for resources that must name one; when the message has no PID, a Patient
     * with no details stands in, and the report says so.
     */
    Reference requirePatientRef(Segment needing) {
        if (patient == null) {
            patient = add(new Patient(), "no-PID");
            report.warning(at(needing), "no PID before this segment; the resources refer to an unidentified patient");
        }
        return ref(patient);
    }

    Reference encounterRef() {
        return encounter == null ? null : ref(encounter);
    }

    /** Where a field is, for the report: {@code OBX[3]-5} (the third segment of the message). */
    static String at(Segment s, int field) {
        return s.name() + "[" + s.position() + "]-" + field;
    }

    static String at(Segment s) {
        return s.name() + "[" + s.position() + "]";
    }
}
