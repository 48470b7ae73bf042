package org.harbour.routes.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.consent.ConsentRules;
import org.harbour.routes.consent.ConsentStore;
import org.harbour.routes.security.Principals;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Writes of consents and care teams: {@code POST /fhir/Consent}, {@code PUT /fhir/Consent/{id}},
 * and the same for CareTeam. An invalid one is refused (422) with an OperationOutcome listing
 * every problem; a valid one becomes the next version at once, so a revocation (status
 * inactive) or a member removed from a team holds for the very next delivery. Every change is
 * audited: created, updated, revoked.
 */
@RestController
@RequestMapping("/fhir")
public class ConsentController {

    private static final String ID = "[A-Za-z0-9\\-.]{1,64}";

    private final ConsentStore consents;
    private final ConsentRules rules;
    private final FhirContext fhir;
    private final AuditTrail audit;

    public ConsentController(ConsentStore consents, FhirContext fhir, AuditTrail audit, HarbourProperties properties,
            org.harbour.routes.records.RecordStore records) {
        this.consents = consents;
        this.fhir = fhir;
        this.audit = audit;
        this.rules = new ConsentRules(patient -> records.read("Patient", patient).isPresent(),
                recipient -> properties.recipients().containsKey(recipient),
                team -> records.read("CareTeam", team).isPresent());
    }

    @PostMapping(path = "/Consent", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> createConsent(@RequestBody String body) throws Exception {
        return write(Consent.class, UUID.randomUUID().toString(), body, true);
    }

    @PutMapping(path = "/Consent/{id}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> updateConsent(@PathVariable String id, @RequestBody String body) throws Exception {
        return write(Consent.class, id, body, false);
    }

    @PostMapping(path = "/CareTeam", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> createCareTeam(@RequestBody String body) throws Exception {
        return write(CareTeam.class, UUID.randomUUID().toString(), body, true);
    }

    @PutMapping(path = "/CareTeam/{id}", produces = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    public ResponseEntity<String> updateCareTeam(@PathVariable String id, @RequestBody String body) throws Exception {
        return write(CareTeam.class, id, body, false);
    }

    private <T extends Resource> ResponseEntity<String> write(Class<T> type, String id, String body, boolean create)
            throws Exception {
        String name = type.getSimpleName();
        if (!id.matches(ID)) {
            return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE, List.of("not a resource id: " + id));
        }
        T resource;
        try {
            IParser parser = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
            resource = parser.parseResource(type, body);
        } catch (DataFormatException | ClassCastException e) {
            return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.STRUCTURE,
                    List.of("not a FHIR R4 " + name + " in JSON: " + e.getMessage()));
        }
        if (!create && resource.hasIdElement() && resource.getIdElement().getIdPart() != null
                && !resource.getIdElement().getIdPart().equals(id)) {
            return outcome(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.VALUE,
                    List.of("the body's id " + resource.getIdElement().getIdPart() + " is not the URL's " + id));
        }
        List<String> problems = resource instanceof Consent c ? rules.problems(c) : rules.problems((CareTeam) resource);
        if (!problems.isEmpty()) {
            return outcome(HttpStatus.UNPROCESSABLE_ENTITY, OperationOutcome.IssueType.INVARIANT, problems);
        }
        resource.setId(id);
        Optional<Resource> before = consents.current(name, id);
        Resource stored = consents.save(resource);
        String client = Principals.describe(SecurityContextHolder.getContext().getAuthentication());
        audit.record(resource instanceof Consent c
                ? AuditEvents.consentChanged(client, name + "/" + id, c.getPatient().getReference().substring(8),
                        before.isEmpty() ? AuditEvent.AuditEventAction.C : AuditEvent.AuditEventAction.U,
                        what(before, c))
                : AuditEvents.consentChanged(client, name + "/" + id, null, before.isEmpty()
                        ? AuditEvent.AuditEventAction.C : AuditEvent.AuditEventAction.U,
                        before.isEmpty() ? "careteam-created" : "careteam-updated"));
        String version = stored.getMeta().getVersionId();
        return ResponseEntity.status(before.isEmpty() ? HttpStatus.CREATED : HttpStatus.OK)
                .header("Location", "/fhir/" + name + "/" + id + "/_history/" + version)
                .eTag("W/\"" + version + "\"")
                .contentType(FhirController.FHIR_JSON).body(fhir.newJsonParser().encodeResourceToString(stored));
    }

    private static String what(Optional<Resource> before, Consent now) {
        if (before.isEmpty()) {
            return "created";
        }
        boolean wasActive = before.get() instanceof Consent old && old.getStatus() == Consent.ConsentState.ACTIVE;
        return wasActive && now.getStatus() != Consent.ConsentState.ACTIVE ? "revoked" : "updated";
    }

    private ResponseEntity<String> outcome(HttpStatus status, OperationOutcome.IssueType type, List<String> problems) {
        OperationOutcome outcome = new OperationOutcome();
        problems.forEach(p -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type)
                .setDiagnostics(p));
        return ResponseEntity.status(status).contentType(FhirController.FHIR_JSON)
                .body(fhir.newJsonParser().encodeResourceToString(outcome));
    }
}
