package org.harbour.routes.records;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The background pass that keeps every stored ciphertext under the current key: after a key
 * rotation ({@code harbour keys rotate}) it opens each row sealed with an older key and seals it
 * again with the current one; it also seals what an older version of the hub stored in clear
 * (raw message bytes, lab history values). Rows go in batches, each in its own transaction, and a
 * row changed meanwhile by the hub is left to the next pass (its update is conditional on the
 * ciphertext read). When a pass finds nothing left under older keys, those keys are marked
 * retired in the keyring (they stay readable: backups and broker messages may still use them),
 * and the key the store is sealed with is remembered, so the next start does not scan again.
 */
public class Resealing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Resealing.class);
    /** The hub_setting row: the key every stored row was sealed with when the last pass finished. */
    static final String SETTING = "records-sealed-with";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final RecordCipher cipher;
    private final int batch;
    private final Clock clock;

    public Resealing(JdbcTemplate jdbc, TransactionTemplate tx, RecordCipher cipher, int batch, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.cipher = cipher;
        this.batch = batch;
        this.clock = clock;
    }

    private java.util.concurrent.ScheduledExecutorService schedule;

    /** Checks now (in the background) and every {@code interval} after: a rotated keyring is picked up and applied. */
    public synchronized void start(java.time.Duration interval) {
        schedule = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "record-resealing");
            thread.setDaemon(true);
            return thread;
        });
        schedule.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("The re-sealing pass failed (tried again in {}): {}", interval, e.toString());
            }
        }, 0, interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
    }

    /** What a pass did. */
    public record Outcome(int key, long resealed, long changedMeanwhile, Set<Integer> retired) {
    }

    /**
     * Reloads the keyring if it changed, and when the store is not known to be sealed with its
     * current key, runs a pass; empty when there was nothing to do.
     */
    public Optional<Outcome> check() {
        cipher.refresh();
        int current = cipher.currentKey();
        String done = jdbc.queryForList("SELECT content FROM hub_setting WHERE setting = ?", String.class, SETTING)
                .stream().findFirst().orElse(null);
        if (String.valueOf(current).equals(done)) {
            return Optional.empty();
        }
        return Optional.of(pass());
    }

    /** Re-seals every row not under the current key; see the class comment. */
    public Outcome pass() {
        int current = cipher.currentKey();
        long[] counts = new long[2];
        reseal(counts, current);
        if (counts[1] == 0) {
            Set<Integer> older = new TreeSet<>(cipher.keyring().keys().keySet());
            older.remove(current);
            older.removeAll(cipher.keyring().retired().keySet());
            if (!older.isEmpty() && cipher.keyringFile() != null) {
                try {
                    Keyring.retire(cipher.keyringFile(), older, clock.instant());
                    cipher.refresh();
                } catch (RuntimeException e) {
                    LOG.warn("Stored data is sealed with key {} now, but keys {} could not be marked retired in the"
                            + " keyring file: {}", current, older, e.getMessage());
                }
            }
            tx.executeWithoutResult(status -> {
                jdbc.update("DELETE FROM hub_setting WHERE setting = ?", SETTING);
                jdbc.update("INSERT INTO hub_setting (setting, content, updated_at) VALUES (?, ?, ?)", SETTING,
                        String.valueOf(current), RecordStore.ts(clock.instant()));
            });
            if (counts[0] > 0 || !older.isEmpty()) {
                LOG.info("Every stored row is sealed with key {} now ({} re-sealed); keys retired: {}", current,
                        counts[0], older);
            }
            return new Outcome(current, counts[0], 0, older);
        }
        LOG.info("Re-sealed {} rows with key {}; {} changed meanwhile, left to the next pass", counts[0], current,
                counts[1]);
        return new Outcome(current, counts[0], counts[1], Set.of());
    }

    private void reseal(long[] counts, int current) {
        // original message bytes: key_id says which key, NULL that they were stored in clear
        resealTable(counts, "SELECT message_id, raw, key_id FROM message_raw WHERE (key_id IS NULL OR key_id <> ?)"
                + " AND message_id > ? ORDER BY message_id LIMIT ?", current, rs -> {
                    byte[] stored = rs.getBytes(2);
                    rs.getInt(3);
                    boolean clear = rs.wasNull();
                    String id = rs.getString(1);
                    String aad = org.harbour.routes.store.MessageStore.rawAssociatedData(id);
                    byte[] sealed = cipher.encrypt(clear ? stored : cipher.decrypt(stored, aad), aad);
                    return new Update(id, "UPDATE message_raw SET raw = ?, key_id = ? WHERE message_id = ? AND "
                            + (clear ? "key_id IS NULL" : "key_id = " + RecordCipher.keyOf(stored)),
                            sealed, current, id);
                });
        resealTable(counts, "SELECT message_id, report FROM message_report WHERE message_id > ? ORDER BY message_id"
                + " LIMIT ?", null, rs -> {
                    byte[] stored = rs.getBytes(2);
                    if (RecordCipher.keyOf(stored) == current) {
                        return Update.skip(rs.getString(1));
                    }
                    String id = rs.getString(1);
                    String aad = "message-report/" + id;
                    return new Update(id, "UPDATE message_report SET report = ? WHERE message_id = ? AND report = ?",
                            cipher.encrypt(cipher.decrypt(stored, aad), aad), id, stored);
                });
        resealTable(counts, "SELECT observation_ref, value_text, fingerprint FROM lab_result WHERE value_text IS NOT NULL"
                + " AND observation_ref > ? ORDER BY observation_ref LIMIT ?", null, rs -> {
                    String ref = rs.getString(1);
                    String stored = rs.getString(2);
                    byte[] sealed = RecordCipher.sealedBytes(stored);
                    if (sealed != null && RecordCipher.keyOf(sealed) == current) {
                        return Update.skip(ref);
                    }
                    String aad = org.harbour.routes.dedup.LabHistory.valueAssociatedData(ref);
                    String value = cipher.encryptText(cipher.decryptText(stored, aad), aad);
                    if (sealed == null) {
                        // stored before sealing: its fingerprint was the plain hash, which the value could be guessed from
                        return new Update(ref, "UPDATE lab_result SET value_text = ?, fingerprint = ? WHERE observation_ref = ?"
                                + " AND value_text = ?", value, org.harbour.routes.dedup.LabHistory.storedFingerprint(
                                        cipher, rs.getString(3)), ref, stored);
                    }
                    return new Update(ref, "UPDATE lab_result SET value_text = ? WHERE observation_ref = ? AND value_text = ?",
                            value, ref, stored);
                });
        resealResources(counts, current, "fhir_resource", "(resource_type > ? OR (resource_type = ? AND id > ?))");
        resealResources(counts, current, "fhir_resource_version", "(resource_type > ? OR (resource_type = ? AND"
                + " (id > ? OR (id = ? AND version_id > ?))))");
    }

    /** A resource table, paged by its primary key (each key column compared, so the key's index serves it). */
    private void resealResources(long[] counts, int current, String table, String after) {
        boolean versions = table.equals("fhir_resource_version");
        resealTable(counts, "SELECT payload, resource_type, id, version_id FROM " + table + " WHERE " + after
                + " ORDER BY resource_type, id" + (versions ? ", version_id" : "") + " LIMIT ?", null, rs -> {
                    byte[] stored = rs.getBytes(1);
                    String type = rs.getString(2);
                    String id = rs.getString(3);
                    int version = rs.getInt(4);
                    List<Object> position = versions ? List.of(type, type, id, id, version) : List.of(type, type, id);
                    if (RecordCipher.keyOf(stored) == current) {
                        return Update.skip(position);
                    }
                    String aad = type + "/" + id + "/_history/" + version;
                    return new Update(position, "UPDATE " + table + " SET payload = ? WHERE resource_type = ? AND"
                            + " id = ? AND version_id = ? AND payload = ?", cipher.encrypt(cipher.decrypt(stored, aad),
                            aad), type, id, version, stored);
                }, versions ? List.of("", "", "", "", -1) : List.of("", "", ""));
    }

    /** A row's new ciphertext (its statement and arguments), or nothing to do; {@code position} pages on. */
    private record Update(List<Object> position, String sql, Object... args) {
        Update(String position, String sql, Object... args) {
            this(List.of(position), sql, args);
        }

        static Update skip(List<Object> position) {
            return new Update(position, null);
        }

        static Update skip(String position) {
            return new Update(List.of(position), null);
        }
    }

    @FunctionalInterface
    private interface Reader {
        Update read(java.sql.ResultSet rs) throws java.sql.SQLException;
    }

    /** Pages through one table by its key, a batch a transaction. */
    private void resealTable(long[] counts, String select, Integer current, Reader reader) {
        resealTable(counts, select, current, reader, List.of(""));
    }

    private void resealTable(long[] counts, String select, Integer current, Reader reader, List<Object> start) {
        List<Object> after = start;
        while (true) {
            List<Update> updates = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            if (current != null) {
                args.add(current);
            }
            args.addAll(after);
            args.add(batch);
            jdbc.query(select, rs -> {
                updates.add(reader.read(rs));
            }, args.toArray());
            if (updates.isEmpty()) {
                return;
            }
            tx.executeWithoutResult(status -> {
                for (Update update : updates) {
                    if (update.sql() == null) {
                        continue;
                    }
                    if (jdbc.update(update.sql(), update.args()) == 1) {
                        counts[0]++;
                    } else {
                        counts[1]++;
                    }
                }
            });
            after = updates.get(updates.size() - 1).position();
            if (updates.size() < batch) {
                return;
            }
        }
    }
}
