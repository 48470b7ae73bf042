package org.harbour.routes.audit;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.harbour.routes.support.GroupCommit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit trail every stage writes to: FHIR AuditEvents, appended to a hash chain in the
 * database. Appends from all threads go through one group committer, so the chain has one
 * writer and many entries share a transaction; {@link #record} returns once its entry is
 * committed. {@link #checkpoint} signs the newest entry (Ed25519) for an external witness.
 */
public class AuditTrail implements AutoCloseable {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final FhirContext fhir;
    private final Clock clock;
    private final AuditSigner signer;
    private final GroupCommit<AuditEvent, Long> commits;

    public AuditTrail(JdbcTemplate jdbc, TransactionTemplate tx, FhirContext fhir, Clock clock, AuditSigner signer,
            Duration timeout) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.fhir = fhir;
        this.clock = clock;
        this.signer = signer;
        this.commits = new GroupCommit<>("audit", 1, 512, Long.MAX_VALUE, e -> 1, timeout,
                batch -> tx.execute(status -> append(batch)));
    }

    /** Appends one entry; returns its sequence number once committed. */
    public long record(AuditEvent event) throws Exception {
        return commits.submit(event);
    }

    private List<Long> append(List<AuditEvent> events) {
        List<Object[]> last = jdbc.query("SELECT seq, hash FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)",
                (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)});
        long seq = last.isEmpty() ? 0 : (Long) last.get(0)[0];
        String previous = last.isEmpty() ? AuditChain.GENESIS : (String) last.get(0)[1];
        List<Long> out = new ArrayList<>(events.size());
        List<Object[]> rows = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            seq++;
            // to the millisecond: the database keeps microseconds (rounding), the chain hashes milliseconds
            Instant recorded = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            AuditEvent entry = event.copy();
            entry.setId(Long.toString(seq));
            entry.setRecorded(Date.from(recorded));
            String text = fhir.newJsonParser().encodeResourceToString(entry);
            String hash = AuditChain.hash(previous, seq, recorded, text);
            rows.add(new Object[] {seq, recorded.atOffset(ZoneOffset.UTC), AuditEvents.patientOf(entry),
                    AuditEvents.agentOf(entry), text, previous, hash});
            previous = hash;
            out.add(seq);
        }
        jdbc.batchUpdate("INSERT INTO audit_event (seq, recorded, patient_id, agent, entry, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", rows);
        return out;
    }

    /** Signs the newest entry unless it is already the latest checkpoint; returns its seq, or -1. */
    public long checkpoint() {
        return tx.execute(status -> {
            List<Object[]> last = jdbc.query("SELECT seq, hash FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)",
                    (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)});
            if (last.isEmpty()) {
                return -1L;
            }
            long seq = (Long) last.get(0)[0];
            String hash = (String) last.get(0)[1];
            Integer done = jdbc.queryForObject("SELECT COUNT(*) FROM audit_checkpoint WHERE seq = ?", Integer.class, seq);
            if (done != null && done > 0) {
                return -1L;
            }
            jdbc.update("INSERT INTO audit_checkpoint (seq, hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?)",
                    seq, hash, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), signer.publicKeyBase64(),
                    signer.sign(seq, hash));
            return seq;
        });
    }

    public AuditSigner signer() {
        return signer;
    }

    @Override
    public void close() {
        commits.close();
    }
}
