package org.harbour.routes.api;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.security.Principals;
import org.harbour.routes.consent.ConsentStore;
import org.harbour.routes.disclose.Recipients;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A patient's disclosure report, for a data access request under the PDPO, written for the
 * patient: who they are (masked name and HKID), each recipient by name and institution, each
 * record in words, the consent it was disclosed under, and what was withheld with the true
 * reason (a revoked consent cited as revoked); records nobody could have received are counted,
 * not listed. English or Traditional Chinese ({@code lang=en|zh-HK}). As JSON or as a printable
 * page with the API's bearer token ({@code /api/patients/{id}/disclosures[.html]}), and as the same
 * page for a privacy officer in a browser with the console login
 * ({@code /console/patients/{id}/disclosures}). Producing the report is itself audited.
 */
@RestController
public class DisclosureReportController {

    private static final int MAX_ENTRIES = 10_000;
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private final AuditTrail audit;
    private final ZoneId zone;
    private final Clock clock;
    private final RecordStore records;
    private final Recipients recipients;
    private final ConsentStore consents;
    private final HarbourProperties properties;

    public DisclosureReportController(AuditTrail audit, HarbourProperties properties, Clock clock, RecordStore records,
            Recipients recipients, ConsentStore consents) {
        this.audit = audit;
        this.zone = properties.timezone();
        this.clock = clock;
        this.records = records;
        this.recipients = recipients;
        this.consents = consents;
        this.properties = properties;
    }

    /**
     * One line of the report: {@code recipient} the id, {@code recipientName} and
     * {@code organization} as configured, {@code records} in words, {@code reason} for a
     * withholding in the report's language; {@code record}, {@code consent} and
     * {@code decision} as the audit trail has them.
     */
    public record Disclosure(String at, String outcome, String recipient, String recipientName, String organization,
            String endpoint, String record, List<String> records, String consent, String consentWords, String reason,
            String decision, String purpose) {
    }

    /** The whole report; {@code notListed} counts withheld records nobody could have received. */
    public record Report(String patient, String patientShown, String language, String from, String to,
            String generatedAt, int disclosed, int withheld, int notListed, List<Disclosure> entries, boolean truncated) {
    }

    @GetMapping(path = "/api/patients/{patientId}/disclosures", produces = MediaType.APPLICATION_JSON_VALUE)
    public Report json(@PathVariable String patientId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String lang) throws Exception {
        return report(patientId, from, to, PatientDisclosureReport.Language.of(lang));
    }

    @GetMapping(path = "/api/patients/{patientId}/disclosures.html", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> html(@PathVariable String patientId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String lang) throws Exception {
        return page(patientId, from, to, lang, false);
    }

    /** The same page for a privacy officer in a browser (the console login). */
    @GetMapping(path = "/console/patients/{patientId}/disclosures", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> console(@PathVariable String patientId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String lang) throws Exception {
        return page(patientId, from, to, lang, true);
    }

    private ResponseEntity<String> page(String patientId, String from, String to, String lang, boolean console)
            throws Exception {
        PatientDisclosureReport.Language language = PatientDisclosureReport.Language.of(lang);
        Report report = report(patientId, from, to, language);
        String body = DisclosurePage.render(report, language, console, from, to);
        return ResponseEntity.ok().cacheControl(org.springframework.http.CacheControl.noStore())
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8)).body(body);
    }

    private Report report(String patientId, String from, String to, PatientDisclosureReport.Language language)
            throws Exception {
        if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("not a patient id: use the hub Patient id (Patient/<id>)");
        }
        DateRange start = DateRange.parse(from == null ? List.of() : List.of("ge" + from), zone);
        DateRange end = DateRange.parse(to == null ? List.of() : List.of("le" + to), zone);
        AuditTrail.Page page = audit.search(new AuditTrail.Query(patientId, null, List.of("disclosed", "withheld"),
                start.from(), end.to()), MAX_ENTRIES, 0);
        PatientDisclosureReport words = new PatientDisclosureReport(records, recipients, consents, properties, language);
        List<Disclosure> entries = new ArrayList<>(page.entries().size());
        int disclosed = 0;
        int notListed = 0;
        for (AuditEvent e : page.entries()) {
            boolean out = e.getSubtype().stream().anyMatch(c -> "disclosed".equals(c.getCode()));
            List<String> refs = PatientDisclosureReport.references(e, "4");
            if (!out && words.nobodyCouldReceive(patientId, e.getOutcomeDesc(), refs)) {
                notListed += refs.size();
                continue;
            }
            disclosed += out ? 1 : 0;
            entries.add(line(e, out, refs, words));
        }
        audit.record(AuditEvents.recordAccessed(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                "search-type", "disclosure report" + (from == null ? "" : " from " + from) + (to == null ? "" : " to " + to),
                patientId, true));
        return new Report("Patient/" + patientId, words.patient(patientId), language.tag,
                from == null ? "(start)" : from, to == null ? "(now)" : to,
                SHOWN.format(Instant.now(clock).atZone(zone)), disclosed, entries.size() - disclosed, notListed, entries,
                page.total() > page.entries().size());
    }

    private Disclosure line(AuditEvent e, boolean disclosed, List<String> refs, PatientDisclosureReport words) {
        String recipient = null;
        String endpoint = null;
        for (AuditEvent.AuditEventAgentComponent agent : e.getAgent()) {
            boolean destination = "110152".equals(agent.getRoleFirstRep().getCodingFirstRep().getCode());
            if (destination && agent.getWho().hasIdentifier()) {
                recipient = agent.getWho().getIdentifier().getValue();
                endpoint = agent.getNetwork().getAddress();
            }
        }
        List<String> consent = PatientDisclosureReport.references(e, "13");
        String consentRef = consent.isEmpty() ? null : String.join(", ", consent);
        String[] who = words.recipient(recipient);
        String purpose = e.getPurposeOfEventFirstRep().getCodingFirstRep().getDisplay();
        return new Disclosure(words.time(e.getRecorded().toInstant()), disclosed ? "disclosed" : "withheld", recipient,
                who[0], who[1], endpoint, refs.isEmpty() ? null : String.join(", ", refs),
                words.words(refs).stream().map(PatientDisclosureReport.RecordWords::sentence).toList(), consentRef,
                consent.isEmpty() ? null : words.consentWords(consent.get(0)),
                disclosed ? null : words.reason(e.getOutcomeDesc()), e.getOutcomeDesc(), purpose);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException e) {
        return ErrorAnswers.answer(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
