package org.harbour.routes.api;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.security.Principals;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * A patient's disclosure report, for a data access request under the PDPO: every disclosure of
 * the patient's records in a period (to whom, what, when, under which consent), and what was
 * withheld and why, read from the audit trail. As JSON, or as a page to print and hand over.
 * Producing the report is itself audited.
 */
@RestController
@RequestMapping("/api/patients/{patientId}")
public class DisclosureReportController {

    private static final int MAX_ENTRIES = 10_000;
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private final AuditTrail audit;
    private final ZoneId zone;
    private final Clock clock;

    public DisclosureReportController(AuditTrail audit, HarbourProperties properties, Clock clock) {
        this.audit = audit;
        this.zone = properties.timezone();
        this.clock = clock;
    }

    /** One line of the report. */
    public record Disclosure(String at, String outcome, String recipient, String endpoint, String record,
            String consent, String decision, String purpose) {
    }

    /** The whole report. */
    public record Report(String patient, String from, String to, String generatedAt, int disclosed, int withheld,
            List<Disclosure> entries, boolean truncated) {
    }

    @GetMapping(path = "/disclosures", produces = MediaType.APPLICATION_JSON_VALUE)
    public Report json(@PathVariable String patientId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) throws Exception {
        return report(patientId, from, to);
    }

    @GetMapping(path = "/disclosures.html", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> html(@PathVariable String patientId, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) throws Exception {
        Report report = report(patientId, from, to);
        StringBuilder page = new StringBuilder(4096);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\"><title>Disclosure report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head><body>\n")
                .append("<h1>Disclosure report 披露記錄</h1>\n<p>Patient: ").append(esc(report.patient()))
                .append("<br>Period: ").append(esc(report.from())).append(" to ").append(esc(report.to()))
                .append("<br>Generated: ").append(esc(report.generatedAt()))
                .append("<br>Disclosed: ").append(report.disclosed()).append(", withheld: ").append(report.withheld())
                .append("</p>\n");
        if (report.entries().isEmpty()) {
            page.append("<p>No record of this patient was disclosed or withheld in this period.</p>\n");
        } else {
            page.append("<table><thead><tr><th>Time</th><th>Outcome</th><th>Recipient</th><th>Channel</th>")
                    .append("<th>Record</th><th>Consent</th><th>Decision</th><th>Purpose</th></tr></thead><tbody>\n");
            for (Disclosure d : report.entries()) {
                page.append("<tr>");
                for (String cell : java.util.Arrays.asList(d.at(), d.outcome(), d.recipient(), d.endpoint(), d.record(), d.consent(),
                        d.decision(), d.purpose())) {
                    page.append("<td>").append(esc(cell)).append("</td>");
                }
                page.append("</tr>\n");
            }
            page.append("</tbody></table>\n");
        }
        if (report.truncated()) {
            page.append("<p>Only the first ").append(MAX_ENTRIES).append(" entries are shown; narrow the period.</p>\n");
        }
        page.append("<p>Source: Harbour audit trail (hash-chained, signed checkpoints).</p></body></html>\n");
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(page.toString());
    }

    private Report report(String patientId, String from, String to) throws Exception {
        if (!patientId.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("not a patient id: use the hub Patient id (Patient/<id>)");
        }
        DateRange start = DateRange.parse(from == null ? List.of() : List.of("ge" + from), zone);
        DateRange end = DateRange.parse(to == null ? List.of() : List.of("le" + to), zone);
        AuditTrail.Page page = audit.search(new AuditTrail.Query(patientId, null, List.of("disclosed", "withheld"),
                start.from(), end.to()), MAX_ENTRIES, 0);
        List<Disclosure> entries = new ArrayList<>(page.entries().size());
        int disclosed = 0;
        for (AuditEvent e : page.entries()) {
            boolean out = e.getSubtype().stream().anyMatch(c -> "disclosed".equals(c.getCode()));
            disclosed += out ? 1 : 0;
            entries.add(line(e, out));
        }
        audit.record(AuditEvents.recordAccessed(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                "search-type", "disclosure report" + (from == null ? "" : " from " + from) + (to == null ? "" : " to " + to),
                patientId, true));
        return new Report("Patient/" + patientId, from == null ? "(start)" : from, to == null ? "(now)" : to,
                SHOWN.format(Instant.now(clock).atZone(zone)), disclosed, entries.size() - disclosed, entries,
                page.total() > entries.size());
    }

    private Disclosure line(AuditEvent e, boolean disclosed) {
        Map<String, String> entities = new LinkedHashMap<>();
        for (AuditEvent.AuditEventEntityComponent entity : e.getEntity()) {
            entities.merge(entity.getRole().getCode(), entity.getWhat().getReference(), (a, b) -> a + ", " + b);
        }
        String recipient = null;
        String endpoint = null;
        for (AuditEvent.AuditEventAgentComponent agent : e.getAgent()) {
            boolean destination = agent.getRoleFirstRep().getCodingFirstRep().getCode() != null
                    && agent.getRoleFirstRep().getCodingFirstRep().getCode().equals("110152");
            if (destination && agent.getWho().hasIdentifier()) {
                recipient = agent.getWho().getIdentifier().getValue();
                endpoint = agent.getNetwork().getAddress();
            }
        }
        String purpose = e.getPurposeOfEventFirstRep().getCodingFirstRep().getDisplay();
        return new Disclosure(SHOWN.format(e.getRecorded().toInstant().atZone(zone)), disclosed ? "disclosed" : "withheld",
                recipient, endpoint, entities.get("4"), entities.get("13"), e.getOutcomeDesc(), purpose);
    }

    private static String esc(String text) {
        return text == null ? "" : HtmlUtils.htmlEscape(text, "UTF-8");
    }

    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException e) {
        return ErrorAnswers.answer(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
