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
import java.util.concurrent.locks.ReentrantLock;
import org.harbour.routes.support.GroupCommit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit trail every stage writes to: FHIR AuditEvents, appended to a hash chain in the
 * database. Appends from all threads go through one group committer, so many entries share a
 * transaction; {@link #record} returns once its entry is committed. A stage that commits a
 * transaction of its own anyway appends its entries in it instead ({@link #appendInTransaction}):
 * one commit fewer, and the entries commit with what they describe or not at all. The chain has
 * one writer at a time: whoever appends holds the chain until its transaction ends.
 * {@link #checkpoint} signs the newest entry (Ed25519) for an external witness.
 */
public class AuditTrail implements AutoCloseable {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final FhirContext fhir;
    private final Clock clock;
    private final AuditSigner signer;
    private final GroupCommit<Entry, Long> commits;
    /** How long a batch begun by an entry nobody waits for gathers more before it commits. */
    static final Duration UNAWAITED_LINGER = Duration.ofMillis(20);
    /** Held from an append until its transaction has ended, so the next append reads the committed head. */
    private final ReentrantLock chain = new ReentrantLock();

    /** An entry to append, and writes of the caller's that commit with it or not at all (or null). */
    private record Entry(AuditEvent event, Runnable alongside) {
    }

    public AuditTrail(JdbcTemplate jdbc, TransactionTemplate tx, FhirContext fhir, Clock clock, AuditSigner signer,
            Duration timeout) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.fhir = fhir;
        this.clock = clock;
        this.signer = signer;
        // entries nobody waits for (a delivery's receipt: its queue message is acknowledged after the
        // commit) wait a little for company; deliveries come one at a time, each would commit alone
        this.commits = new GroupCommit<>("audit", 1, 0, 512, Long.MAX_VALUE, e -> 1, timeout, UNAWAITED_LINGER,
                batch -> {
                    chain.lock();
                    try {
                        return tx.execute(status -> append(batch));
                    } finally {
                        chain.unlock();
                    }
                });
    }

    /**
     * Appends entries, in this order, in the caller's transaction (which must be active and on
     * this trail's data source): they commit with the caller's writes, or roll back with them.
     * From here until that transaction ends, the chain is held: other appends wait. Call it last
     * in the transaction, so the chain is held only for the commit.
     */
    public void appendInTransaction(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("audit entries appended outside a transaction");
        }
        if (!chain.isHeldByCurrentThread()) {
            chain.lock();
            try {
                TransactionSynchronizationManager.registerSynchronization(
                        new TransactionSynchronization() {
                            @Override
                            public void afterCompletion(int status) {
                                chain.unlock();
                            }
                        });
            } catch (RuntimeException e) {
                chain.unlock();
                throw e;
            }
        }
        append(plain(events));
    }

    /** Appends one entry; returns its sequence number once committed. */
    public long record(AuditEvent event) throws Exception {
        return commits.submit(new Entry(event, null));
    }

    /**
     * Appends one entry, and runs {@code alongside} (writes through this trail's data source) in
     * the same transaction: both commit, or neither. Saves the caller a commit of its own, and
     * nothing is ever written without its entry (or the entry without it).
     */
    public long recordWith(AuditEvent event, Runnable alongside) throws Exception {
        return commits.submit(new Entry(event, alongside));
    }

    /**
     * As {@link #recordWith}, without waiting: the future completes once the entry and the writes
     * alongside it are committed, or exceptionally when they are not.
     */
    public java.util.concurrent.CompletableFuture<Long> recordWithLater(AuditEvent event, Runnable alongside) {
        return commits.submitAsync(new Entry(event, alongside));
    }

    /** Appends entries in this order; returns once all are committed. */
    public void recordAll(List<AuditEvent> events) throws Exception {
        commits.submitAll(plain(events));
    }

    private static List<Entry> plain(List<AuditEvent> events) {
        return events.stream().map(e -> new Entry(e, null)).toList();
    }

    private List<Long> append(List<Entry> entries) {
        List<Object[]> last = jdbc.query("SELECT seq, hash FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)",
                (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)});
        long seq = last.isEmpty() ? 0 : (Long) last.get(0)[0];
        String previous = last.isEmpty() ? AuditChain.GENESIS : (String) last.get(0)[1];
        List<Long> out = new ArrayList<>(entries.size());
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            AuditEvent event = e.event();
            seq++;
            // to the millisecond: the database keeps microseconds (rounding), the chain hashes milliseconds
            Instant recorded = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            AuditEvent entry = event.copy();
            entry.setId(Long.toString(seq));
            entry.setRecorded(Date.from(recorded));
            String text = fhir.newJsonParser().encodeResourceToString(entry);
            String hash = AuditChain.hash(previous, seq, recorded, text);
            rows.add(new Object[] {seq, recorded.atOffset(ZoneOffset.UTC), AuditEvents.patientOf(entry),
                    AuditEvents.agentOf(entry), AuditEvents.subtypeOf(entry), text, previous, hash});
            previous = hash;
            out.add(seq);
        }
        jdbc.batchUpdate("INSERT INTO audit_event (seq, recorded, patient_id, agent, subtype, entry, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
        for (Entry e : entries) {
            if (e.alongside() != null) {
                e.alongside().run();
            }
        }
        return out;
    }

    /** What to look for in the trail; null fields match anything; {@code from} inclusive, {@code to} exclusive. */
    public record Query(String patientId, String agent, List<String> subtypes, Instant from, Instant to) {
    }

    /** One page of entries, oldest first, and how many match in all. */
    public record Page(List<AuditEvent> entries, long total) {
    }

    /** Entries matching the query, oldest first. */
    public Page search(Query query, int count, int offset) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (query.patientId() != null) {
            where.append(" AND patient_id = ?");
            args.add(query.patientId());
        }
        if (query.agent() != null) {
            where.append(" AND agent = ?");
            args.add(query.agent());
        }
        if (query.subtypes() != null && !query.subtypes().isEmpty()) {
            where.append(" AND subtype IN (").append(String.join(",", java.util.Collections.nCopies(
                    query.subtypes().size(), "?"))).append(")");
            args.addAll(query.subtypes());
        }
        if (query.from() != null) {
            where.append(" AND recorded >= ?");
            args.add(query.from().atOffset(ZoneOffset.UTC));
        }
        if (query.to() != null) {
            where.append(" AND recorded < ?");
            args.add(query.to().atOffset(ZoneOffset.UTC));
        }
        Long total = jdbc.queryForObject("SELECT COUNT(*) FROM audit_event" + where, Long.class, args.toArray());
        List<Object> paged = new ArrayList<>(args);
        paged.add(count);
        paged.add(offset);
        var parser = fhir.newJsonParser();
        List<AuditEvent> entries = jdbc.query("SELECT entry FROM audit_event" + where
                + " ORDER BY seq LIMIT ? OFFSET ?", (rs, n) -> parser.parseResource(AuditEvent.class, rs.getString(1)),
                paged.toArray());
        return new Page(entries, total == null ? 0 : total);
    }

    /** One entry by its sequence number. */
    public java.util.Optional<AuditEvent> read(long seq) {
        var parser = fhir.newJsonParser();
        return jdbc.query("SELECT entry FROM audit_event WHERE seq = ?",
                (rs, n) -> parser.parseResource(AuditEvent.class, rs.getString(1)), seq).stream().findFirst();
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
