package org.harbour.routes.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges clinical payloads older than the retention period: the original bytes and conversion
 * reports of messages received before the cut-off (their metadata row stays, saying so), old
 * versions of records, and records last updated before it (a Patient only once nothing of
 * theirs remains). Consents and care teams are not clinical payloads: they stay until changed
 * (an old consent that still permits is still the patient's word). Resend keys past the cut-off go too. Works in small transactions; each run is
 * written to the audit trail. The audit trail itself is never purged here.
 */
public class RetentionPurge {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);
    private static final int CHUNK = 500;

    /** What one run removed, and the cut-off it used. */
    public record Result(Instant cutoff, int messages, int resources, int versions, int keys) {
        public boolean any() {
            return messages + resources + versions + keys > 0;
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditTrail audit;
    private final Period retention;
    private final ZoneId zone;
    private final Clock clock;

    public RetentionPurge(JdbcTemplate jdbc, TransactionTemplate tx, AuditTrail audit, Period retention, ZoneId zone,
            Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("harbour.retention must be a positive period, e.g. P7Y");
        }
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.retention = retention;
        this.zone = zone;
        this.clock = clock;
    }

    public Result purge() throws Exception {
        Instant cutoff = clock.instant().atZone(zone).minus(retention).toInstant();
        Timestamp before = Timestamp.from(cutoff);
        int messages = chunked(() -> jdbc.queryForList("SELECT r.message_id FROM message_raw r JOIN message m"
                + " ON m.id = r.message_id WHERE m.received_at < ? ORDER BY m.received_at LIMIT " + CHUNK, String.class,
                before), ids -> {
                    jdbc.batchUpdate("DELETE FROM message_report WHERE message_id = ?", args(ids));
                    jdbc.batchUpdate("DELETE FROM message_raw WHERE message_id = ?", args(ids));
                    jdbc.batchUpdate("UPDATE message SET reason = COALESCE(reason, 'payload purged: older than the"
                            + " retention period') WHERE id = ?", args(ids));
                });
        int versions = tx.execute(s -> jdbc.update("DELETE FROM fhir_resource_version WHERE last_updated < ? AND"
                + " version_id < (SELECT r.version_id FROM fhir_resource r WHERE r.resource_type ="
                + " fhir_resource_version.resource_type AND r.id = fhir_resource_version.id)", before));
        int resources = chunked(() -> jdbc.query("SELECT resource_type, id FROM fhir_resource WHERE last_updated < ?"
                + " AND resource_type NOT IN ('Patient', 'Consent', 'CareTeam') ORDER BY last_updated LIMIT " + CHUNK,
                (rs, n) -> rs.getString(1) + "/" + rs.getString(2), before), this::deleteResources);
        resources += chunked(() -> jdbc.query("SELECT resource_type, id FROM fhir_resource p WHERE last_updated < ?"
                + " AND resource_type = 'Patient' AND NOT EXISTS (SELECT 1 FROM fhir_resource o WHERE o.patient_id = p.id"
                + " AND o.resource_type <> 'Patient') ORDER BY last_updated LIMIT " + CHUNK,
                (rs, n) -> rs.getString(1) + "/" + rs.getString(2), before), refs -> {
                    deleteResources(refs);
                    jdbc.batchUpdate("DELETE FROM patient_link WHERE patient_id = ?",
                            args(refs.stream().map(r -> r.substring(r.indexOf('/') + 1)).toList()));
                });
        int keys = tx.execute(s -> jdbc.update("DELETE FROM message_key WHERE received_at < ?", before));
        Result result = new Result(cutoff, messages, resources, versions, keys);
        audit.record(AuditEvents.adminAction("harbour", "retention-purge", "retention " + retention + ", cut-off "
                + cutoff + ": " + messages + " message payloads, " + resources + " records, " + versions
                + " old record versions, " + keys + " resend keys purged", true));
        LOG.info("Retention purge (cut-off {}): {} message payloads, {} records, {} old versions, {} resend keys",
                cutoff, messages, resources, versions, keys);
        return result;
    }

    private void deleteResources(List<String> refs) {
        List<Object[]> keys = refs.stream().map(r -> new Object[] {r.substring(0, r.indexOf('/')),
            r.substring(r.indexOf('/') + 1)}).toList();
        jdbc.batchUpdate("DELETE FROM fhir_token WHERE resource_type = ? AND id = ?", keys);
        jdbc.batchUpdate("DELETE FROM fhir_resource_version WHERE resource_type = ? AND id = ?", keys);
        jdbc.batchUpdate("DELETE FROM fhir_resource WHERE resource_type = ? AND id = ?", keys);
    }

    private interface Chunk<T> {
        List<T> next();
    }

    private interface Action<T> {
        void apply(List<T> items);
    }

    /** Repeats select-then-act in its own transaction until nothing is left; returns how many items were acted on. */
    private <T> int chunked(Chunk<T> select, Action<T> action) {
        int total = 0;
        while (true) {
            Integer done = tx.execute(s -> {
                List<T> items = select.next();
                if (!items.isEmpty()) {
                    action.apply(items);
                }
                return items.size();
            });
            total += done == null ? 0 : done;
            if (done == null || done < CHUNK) {
                return total;
            }
        }
    }

    private static List<Object[]> args(List<String> ids) {
        return ids.isEmpty() ? Collections.emptyList() : ids.stream().map(id -> new Object[] {id}).toList();
    }
}
