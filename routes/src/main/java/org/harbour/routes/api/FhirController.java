package org.harbour.routes.api;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.harbour.routes.audit.AuditEvents;
import org.hl7.fhir.r4.model.AuditEvent;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The FHIR R4 read/search API over the record store: {@code GET /fhir/{type}/{id}},
 * {@code .../_history[/{version}]}, searches by patient, identifier, code and category with
 * {@code _count} paging, and {@code /fhir/metadata}. Errors are OperationOutcomes.
 */
@RestController
@RequestMapping("/fhir")
public class FhirController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json;charset=UTF-8");
    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 200;

    /** Types searchable by patient, with the token parameters each supports besides patient. */
    static final Map<String, Set<String>> SEARCHABLE = new LinkedHashMap<>();

    static {
        SEARCHABLE.put("Patient", Set.of("identifier", "_id"));
        for (String type : List.of("Observation", "DiagnosticReport", "Condition")) {
            SEARCHABLE.put(type, Set.of("patient", "subject", "code", "category", "_id"));
        }
        for (String type : List.of("Encounter", "AllergyIntolerance", "MedicationRequest", "DocumentReference",
                "Immunization", "ServiceRequest", "Procedure", "Specimen", "MedicationDispense",
                "MedicationAdministration", "Appointment", "Coverage", "ChargeItem", "Consent", "CareTeam", "DetectedIssue")) {
            SEARCHABLE.put(type, Set.of("patient", "subject", "_id"));
        }
    }

    private final RecordStore records;
    private final FhirContext fhir;
    private final AuditTrail audit;
    private final java.time.ZoneId zone;

    /** Keys the hashes that stand for searched values in the audit trail ({@link #auditedQuery}). */
    private final org.harbour.routes.records.RecordCipher cipher;

    public FhirController(RecordStore records, FhirContext fhir, AuditTrail audit,
            org.harbour.routes.config.HarbourProperties properties, org.harbour.routes.records.RecordCipher cipher) {
        this.cipher = cipher;
        this.records = records;
        this.fhir = fhir;
        this.audit = audit;
        this.zone = properties.timezone();
    }

    /** The audit trail by patient, agent (as recorded: client, sender or recipient id) and date. Reading it is audited. */
    @GetMapping(value = "/AuditEvent", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> auditSearch(@RequestParam MultiValueMap<String, String> params) {
        int count = Math.min(Math.max(number(params.getFirst("_count"), DEFAULT_COUNT, "_count"), 0), MAX_COUNT);
        int offset = number(params.getFirst("_offset"), 0, "_offset");
        for (String name : params.keySet()) {
            if (!Set.of("patient", "agent", "date", "subtype", "_count", "_offset", "_format").contains(name)) {
                throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.NOTSUPPORTED,
                        "unknown search parameter '" + name + "' for AuditEvent; supported: patient, agent, date, subtype");
            }
        }
        String patient = params.getFirst("patient");
        if (patient != null && patient.startsWith("Patient/")) {
            patient = patient.substring("Patient/".length());
        }
        if (patient != null && !patient.isBlank()) {
            checkedId(patient.trim(), "patient");
        }
        DateRange dates;
        try {
            dates = DateRange.parse(params.get("date"), zone);
        } catch (IllegalArgumentException e) {
            throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, e.getMessage());
        }
        String subtype = params.getFirst("subtype");
        AuditTrail.Page page = audit.search(new AuditTrail.Query(blankToNull(patient), blankToNull(params.getFirst("agent")),
                subtype == null ? List.of() : List.of(subtype.split(",")), dates.from(), dates.to()), count, offset);
        audited("search-type", "AuditEvent" + auditedQuery(params, count, offset), blankToNull(patient), true);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal((int) page.total());
        bundle.addLink().setRelation("self").setUrl("/fhir/AuditEvent" + query(params, count, offset));
        if (offset + count < page.total()) {
            bundle.addLink().setRelation("next").setUrl("/fhir/AuditEvent" + query(params, count, offset + count));
        }
        for (AuditEvent e : page.entries()) {
            bundle.addEntry().setFullUrl("AuditEvent/" + e.getIdElement().getIdPart()).setResource(e).getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return ok(bundle);
    }

    @GetMapping(value = "/AuditEvent/{id}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> auditRead(@PathVariable String id) {
        var found = id.matches("\\d{1,18}") ? audit.read(Long.parseLong(id)) : java.util.Optional.<AuditEvent>empty();
        audited("read", "AuditEvent/" + id, found.map(AuditEvents::patientOf).orElse(null), found.isPresent());
        return found.map(this::ok).orElseThrow(() -> new FhirError(HttpStatus.NOT_FOUND,
                OperationOutcome.IssueType.NOTFOUND, "AuditEvent/" + id + " is not known"));
    }

    /** The hub patient a read concerns: the Patient itself, or the patient the stored record belongs to. */
    private String patientOf(String type, String id, List<? extends Resource> found) {
        if (type.equals("Patient")) {
            return id;
        }
        return found.isEmpty() ? null : records.patientOf(type, id).orElse(null);
    }

    /** A FHIR id (letters, digits, '-' and '.', at most 64): anything else is refused with 400 before any look-up. */
    static String checkedId(String id, String name) {
        if (id == null || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, name
                    + " must be a FHIR id: letters, digits, '-' and '.', at most 64 characters");
        }
        return id;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Every read and search is in the audit trail before its answer leaves: who, what, which patient. */
    private void audited(String interaction, String what, String patientId, boolean found) {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        try {
            audit.record(AuditEvents.recordAccessed(org.harbour.routes.security.Principals.describe(auth), interaction, what,
                    patientId, found));
        } catch (Exception e) {
            throw new FhirError(HttpStatus.SERVICE_UNAVAILABLE, OperationOutcome.IssueType.TRANSIENT,
                    "the access could not be audited, so it is refused; try again");
        }
    }

    @GetMapping(value = "/metadata", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> metadata() {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE).setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1).setDateElement(new org.hl7.fhir.r4.model.DateTimeType(
                        new java.util.Date())).setPublisher("Harbour");
        cs.addFormat("application/fhir+json");
        cs.getSoftware().setName("Harbour");
        cs.getImplementation().setDescription("Harbour record store (FHIR R4 read and search; transaction and batch Bundles pushed)");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Authorization: Bearer <token> on every request");
        // POST /fhir: clinics push transaction and batch Bundles (answered 202 once durably queued)
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("accepted with 202 once durably queued; stored and checked in the background");
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        SEARCHABLE.forEach((type, params) -> {
            var resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.VREAD);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.HISTORYINSTANCE);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
            resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED);
            params.stream().sorted().forEach(p -> resource.addSearchParam().setName(p).setType(p.equals("patient")
                    || p.equals("subject") ? Enumerations.SearchParamType.REFERENCE : Enumerations.SearchParamType.TOKEN));
        });
        var auditEvents = rest.addResource().setType("AuditEvent");
        auditEvents.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
        auditEvents.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        auditEvents.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE);
        auditEvents.addSearchParam().setName("agent").setType(Enumerations.SearchParamType.TOKEN);
        auditEvents.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE);
        auditEvents.addSearchParam().setName("subtype").setType(Enumerations.SearchParamType.TOKEN);
        return ok(cs);
    }

    @GetMapping(value = "/{type}/{id}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> read(@PathVariable String type, @PathVariable String id) {
        known(type);
        checkedId(id, "id");
        var found = records.read(type, id);
        audited("read", type + "/" + id, patientOf(type, id, found.stream().toList()), found.isPresent());
        return found.map(this::ok).orElseThrow(() -> new FhirError(HttpStatus.NOT_FOUND,
                OperationOutcome.IssueType.NOTFOUND, type + "/" + id + " is not known"));
    }

    @GetMapping(value = "/{type}/{id}/_history", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> history(@PathVariable String type, @PathVariable String id) {
        known(type);
        checkedId(id, "id");
        List<Resource> versions = records.history(type, id);
        audited("history-instance", type + "/" + id + "/_history", patientOf(type, id, versions), !versions.isEmpty());
        if (versions.isEmpty()) {
            throw new FhirError(HttpStatus.NOT_FOUND, OperationOutcome.IssueType.NOTFOUND, type + "/" + id + " is not known");
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTotal(versions.size());
        versions.forEach(r -> bundle.addEntry().setResource(r).setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart())
                .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(r.fhirType() + "/" + r.getIdElement().getIdPart()));
        return ok(bundle);
    }

    @GetMapping(value = "/{type}/{id}/_history/{version}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> vread(@PathVariable String type, @PathVariable String id, @PathVariable String version) {
        known(type);
        checkedId(id, "id");
        if (!version.matches("\\d{1,9}")) {
            throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, "version must be a number");
        }
        var found = records.vread(type, id, Integer.parseInt(version));
        audited("vread", type + "/" + id + "/_history/" + version, patientOf(type, id, found.stream().toList()),
                found.isPresent());
        return found.map(this::ok).orElseThrow(() -> new FhirError(
                HttpStatus.NOT_FOUND, OperationOutcome.IssueType.NOTFOUND, type + "/" + id + "/_history/" + version
                + " is not known"));
    }

    @GetMapping(value = "/{type}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> search(@PathVariable String type, @RequestParam MultiValueMap<String, String> params) {
        Set<String> supported = SEARCHABLE.get(type);
        if (supported == null) {
            known(type);
            throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.NOTSUPPORTED,
                    "search on " + type + " is not supported");
        }
        int count = number(params.getFirst("_count"), DEFAULT_COUNT, "_count");
        int offset = number(params.getFirst("_offset"), 0, "_offset");
        count = Math.min(Math.max(count, 0), MAX_COUNT);
        String patient = null;
        String id = null;
        Map<String, List<String>> tokens = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            String name = param.getKey();
            if (name.equals("_count") || name.equals("_offset") || name.equals("_format")) {
                continue;
            }
            if (!supported.contains(name)) {
                throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.NOTSUPPORTED,
                        "unknown search parameter '" + name + "' for " + type + "; supported: " + supported);
            }
            String value = param.getValue().get(param.getValue().size() - 1);
            if (value == null || value.isBlank()) {
                throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, name + " needs a value");
            }
            switch (name) {
                case "patient", "subject" -> patient = checkedId(value.startsWith("Patient/") ? value.substring(8) : value,
                        name);
                case "_id" -> id = checkedId(value, name);
                default -> tokens.put(name, List.of(value.split(",")));
            }
        }
        RecordStore.Page page = records.search(new RecordStore.Query(type, patient, tokens, id), count, offset);
        audited("search-type", type + auditedQuery(params, count, offset), patient != null ? patient
                : type.equals("Patient") && page.resources().size() == 1
                        ? page.resources().get(0).getIdElement().getIdPart() : null, true);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal((int) page.total());
        String self = "/fhir/" + type + query(params, count, offset);
        bundle.addLink().setRelation("self").setUrl(self);
        if (offset + count < page.total()) {
            bundle.addLink().setRelation("next").setUrl("/fhir/" + type + query(params, count, offset + count));
        }
        for (Resource r : page.resources()) {
            bundle.addEntry().setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r).getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return ok(bundle);
    }

    /** Search parameters whose values are not patient data (codes, dates, hub ids, paging): in clear in the audit trail. */
    private static final Set<String> CLEAR_IN_AUDIT = Set.of("patient", "subject", "_id", "code", "category", "agent",
            "date", "subtype", "_format");

    /**
     * The query as the audit trail keeps it: values that may be patient data (an identifier: an
     * HKID, an MRN) stand as {@code #} and a keyed hash of the value ({@link #auditHash}), so the
     * trail can still be searched for who looked a given patient up, without holding the value.
     */
    private String auditedQuery(MultiValueMap<String, String> params, int count, int offset) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, values) -> {
            if (!k.equals("_count") && !k.equals("_offset")) {
                values.forEach(v -> parts.add(k + "=" + (CLEAR_IN_AUDIT.contains(k)
                        ? java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8) : "#" + auditHash(v))));
            }
        });
        parts.add("_count=" + count);
        parts.add("_offset=" + offset);
        return "?" + String.join("&", parts);
    }

    /** The keyed hash that stands for a searched value in the audit trail (first 16 hex digits). */
    String auditHash(String value) {
        return cipher.index("audit-search|" + value).substring(0, 16);
    }

    private static String query(MultiValueMap<String, String> params, int count, int offset) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, values) -> {
            if (!k.equals("_count") && !k.equals("_offset")) {
                values.forEach(v -> parts.add(k + "=" + java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        parts.add("_count=" + count);
        parts.add("_offset=" + offset);
        return "?" + String.join("&", parts);
    }

    private static int number(String text, int fallback, String name) {
        if (text == null) {
            return fallback;
        }
        if (!text.matches("\\d{1,6}")) {
            throw new FhirError(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, name + " must be a number");
        }
        return Integer.parseInt(text);
    }

    private void known(String type) {
        if (!fhir.getResourceTypes().contains(type)) {
            throw new FhirError(HttpStatus.NOT_FOUND, OperationOutcome.IssueType.NOTSUPPORTED,
                    "unknown resource type '" + type + "'");
        }
    }

    private ResponseEntity<String> ok(Resource resource) {
        return ResponseEntity.ok().contentType(FHIR_JSON).body(fhir.newJsonParser().encodeResourceToString(resource));
    }

    /** An error the API answers with an OperationOutcome. */
    static final class FhirError extends RuntimeException {
        final HttpStatus status;
        final OperationOutcome.IssueType type;

        FhirError(HttpStatus status, OperationOutcome.IssueType type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }
    }

    @ExceptionHandler(FhirError.class)
    ResponseEntity<String> error(FhirError e) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(e.type).setDiagnostics(e.getMessage());
        return ResponseEntity.status(e.status).contentType(FHIR_JSON)
                .body(fhir.newJsonParser().encodeResourceToString(outcome));
    }
}
