package org.harbour.routes.audit;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.harbour.connectors.syslog.SyslogSender;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sends the audit trail to a SIEM as syslog, in order, from the last entry sent (kept in the
 * database, so a restart or an outage resumes where it stopped). Each message carries the
 * entry's sequence number and chain hash as structured data and the AuditEvent JSON as text.
 */
public class SyslogExport {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogExport.class);
    static final String POSITION = "syslog-exported-seq";
    private static final int BATCH = 500;
    /** Structured data id: the private enterprise number reserved for documentation (RFC 5612). */
    static final String SD_ID = "harbour@32473";

    private final JdbcTemplate jdbc;
    private final SyslogSender sender;
    private final FhirContext fhir;
    private final Clock clock;
    private volatile boolean failing;

    public SyslogExport(JdbcTemplate jdbc, SyslogSender sender, FhirContext fhir, Clock clock) {
        this.jdbc = jdbc;
        this.sender = sender;
        this.fhir = fhir;
        this.clock = clock;
    }

    /** Sends what is new; returns how many entries were sent. Failures are logged and retried on the next call. */
    public synchronized int exportNew() {
        int sent = 0;
        try {
            while (true) {
                long from = position();
                List<Map<String, Object>> rows = jdbc.queryForList("SELECT seq, recorded, hash, entry FROM audit_event"
                        + " WHERE seq > ? ORDER BY seq LIMIT " + BATCH, from);
                if (rows.isEmpty()) {
                    break;
                }
                List<SyslogSender.Message> messages = new ArrayList<>(rows.size());
                long last = from;
                for (Map<String, Object> row : rows) {
                    last = ((Number) row.get("seq")).longValue();
                    messages.add(message(last, (String) row.get("hash"), (String) row.get("entry")));
                }
                sender.send(messages);
                savePosition(last);
                sent += rows.size();
                if (rows.size() < BATCH) {
                    break;
                }
            }
            if (failing) {
                LOG.info("Audit export to syslog resumed");
                failing = false;
            }
        } catch (Exception e) {
            if (!failing) {
                LOG.warn("Audit export to syslog failed ({}); it resumes from the last entry sent", e.toString());
                failing = true;
            }
        }
        return sent;
    }

    private SyslogSender.Message message(long seq, String hash, String entry) {
        AuditEvent event = fhir.newJsonParser().parseResource(AuditEvent.class, entry);
        boolean failed = event.hasOutcome() && event.getOutcome() != AuditEvent.AuditEventOutcome._0;
        Map<String, String> params = new LinkedHashMap<>();
        params.put("seq", Long.toString(seq));
        params.put("hash", hash);
        params.put("type", event.getType().getCode());
        params.put("subtype", AuditEvents.subtypeOf(event));
        params.put("outcome", event.hasOutcome() ? event.getOutcome().toCode() : "0");
        return new SyslogSender.Message(SyslogSender.LOG_AUDIT, failed ? SyslogSender.WARNING : SyslogSender.INFORMATIONAL,
                event.getRecorded().toInstant(), "AuditEvent", SD_ID, params, entry);
    }

    private long position() {
        List<String> value = jdbc.queryForList("SELECT content FROM hub_setting WHERE setting = ?", String.class, POSITION);
        return value.isEmpty() ? 0 : Long.parseLong(value.get(0));
    }

    private void savePosition(long seq) {
        OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        if (jdbc.update("UPDATE hub_setting SET content = ?, updated_at = ? WHERE setting = ?", Long.toString(seq), at,
                POSITION) == 0) {
            jdbc.update("INSERT INTO hub_setting (setting, content, updated_at) VALUES (?, ?, ?)", POSITION,
                    Long.toString(seq), at);
        }
    }
}
