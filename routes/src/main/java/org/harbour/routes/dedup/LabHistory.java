package org.harbour.routes.dedup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each patient's laboratory results by test: written as results are stored, read to tell
 * whether a new order repeats a recent test and whether a result is one already stored under
 * another id (the same report resent, or arriving by two routes).
 */
public class LabHistory {

    /** One stored result. {@code valueText} is the value as shown (number and unit, or text). */
    public record Result(String observationRef, String patientId, String testKey, Instant effectiveAt, String status,
            String valueText, String facility, String reportRef) {

        public Result(String observationRef, String patientId, String testKey, Instant effectiveAt, String status,
                String valueText, String facility) {
            this(observationRef, patientId, testKey, effectiveAt, status, valueText, facility, null);
        }

        /** Same patient, test, time and value: the same result, whatever its id. */
        public String fingerprint() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] digest = sha.digest((patientId + "\n" + testKey + "\n" + effectiveAt.toEpochMilli() + "\n"
                        + (valueText == null ? "" : valueText)).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final JdbcTemplate jdbc;
    /** Seals the values (a result's text is patient data): never stored in clear. */
    private final org.harbour.routes.records.RecordCipher cipher;

    /** A history whose values are sealed with a key of its own, kept in memory only (tests). */
    public LabHistory(JdbcTemplate jdbc) {
        this(jdbc, org.harbour.routes.records.RecordCipher.ephemeral());
    }

    public LabHistory(JdbcTemplate jdbc, org.harbour.routes.records.RecordCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** What a result's value is sealed under: its observation. */
    public static String valueAssociatedData(String observationRef) {
        return "lab-result/" + observationRef;
    }

    /**
     * The fingerprint as stored: a keyed hash of {@link Result#fingerprint}, so the patient, test
     * and time in clear beside it cannot be used to guess the value from it.
     */
    public static String storedFingerprint(org.harbour.routes.records.RecordCipher cipher, String fingerprint) {
        return cipher.index("lab-result-fingerprint|" + fingerprint);
    }

    private String stored(Result r) {
        return storedFingerprint(cipher, r.fingerprint());
    }

    private String seal(Result r) {
        return cipher.encryptText(clip(r.valueText(), 200), valueAssociatedData(r.observationRef()));
    }

    private String open(String stored, String observationRef) {
        return cipher.decryptText(stored, valueAssociatedData(observationRef));
    }

    /** Records (or replaces, for a correction) a stored result: one statement, on H2 and PostgreSQL alike. */
    public void record(Result r) {
        jdbc.update(MERGE, mergeArguments(r));
    }

    /** Another stored result with the same patient, test, time and value, if any. */
    public Optional<String> sameResultAs(Result r) {
        return jdbc.queryForList("SELECT observation_ref FROM lab_result WHERE fingerprint = ? AND observation_ref <> ?",
                String.class, stored(r), r.observationRef()).stream().findFirst();
    }

    /** Records several results in one round trip (a JDBC batch of the statement above). */
    public void recordAll(List<Result> results) {
        if (results.size() == 1) {
            record(results.get(0));
            return;
        }
        if (results.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(MERGE, results.stream().map(this::mergeArguments).toList());
    }

    /** The MERGE's arguments: the key, then the columns to update, then the row to insert (one sealing for both). */
    private Object[] mergeArguments(Result r) {
        String value = seal(r);
        String fingerprint = stored(r);
        return new Object[] {r.observationRef(), r.patientId(), clip(r.testKey(), 300), Timestamp.from(r.effectiveAt()),
            r.status(), value, clip(r.facility(), 200), fingerprint, r.reportRef(), r.observationRef(),
            r.patientId(), clip(r.testKey(), 300), Timestamp.from(r.effectiveAt()), r.status(), value,
            clip(r.facility(), 200), fingerprint, r.reportRef()};
    }

    /**
     * What one message's check needs, read in one query: the stored results sharing a fingerprint
     * with any of {@code results}, and for each test in {@code sinceByTest} the patient's standing
     * results taken since then, newest first (at most {@code limit} a test).
     */
    public record Lookup(Map<String, List<Result>> byFingerprint, Map<String, List<Result>> recentByTest) {
        public static final Lookup EMPTY = new Lookup(Map.of(), Map.of());
    }

    /** Fingerprints looked up by one statement (PostgreSQL takes at most 32,767 bind values). */
    private static final int FINGERPRINT_CHUNK = 1000;

    public Lookup lookup(List<Result> results, String patientId, Map<String, Instant> sinceByTest, int limit) {
        List<String> parts = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        // the stored (keyed) fingerprint of each incoming result, and back to the result's own
        Map<String, String> plain = new HashMap<>();
        for (Result r : results) {
            plain.put(stored(r), r.fingerprint());
        }
        List<Result> first = results.subList(0, Math.min(results.size(), FINGERPRINT_CHUNK));
        if (!first.isEmpty()) {
            parts.add(byFingerprints(first.size()));
            first.forEach(r -> args.add(stored(r)));
        }
        for (Map.Entry<String, Instant> test : sinceByTest.entrySet()) {
            parts.add("(SELECT 't' AS part, " + COLUMNS + ", fingerprint FROM lab_result WHERE patient_id = ? AND"
                    + " test_key = ? AND effective_at >= ? AND status IN ('final', 'corrected', 'amended')"
                    + " ORDER BY effective_at DESC LIMIT ?)");
            args.addAll(List.of(patientId, clip(test.getKey(), 300), Timestamp.from(test.getValue()), limit));
        }
        if (parts.isEmpty()) {
            return Lookup.EMPTY;
        }
        Map<String, List<Result>> byFingerprint = new HashMap<>();
        Map<String, List<Result>> recent = new HashMap<>();
        sinceByTest.keySet().forEach(test -> recent.put(clip(test, 300), new ArrayList<>()));
        org.springframework.jdbc.core.RowCallbackHandler row = rs -> {
            Result r = new Result(rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                    rs.getString(6), open(rs.getString(7), rs.getString(2)), rs.getString(8), rs.getString(9));
            if ("f".equals(rs.getString(1))) {
                byFingerprint.computeIfAbsent(plain.getOrDefault(rs.getString(10), rs.getString(10)),
                        f -> new ArrayList<>()).add(r);
            } else {
                recent.computeIfAbsent(r.testKey(), t -> new ArrayList<>()).add(r);
            }
        };
        // the common message is read in one query; a very large report's further fingerprints in more
        jdbc.query(String.join(" UNION ALL ", parts), row, args.toArray());
        for (int from = FINGERPRINT_CHUNK; from < results.size(); from += FINGERPRINT_CHUNK) {
            List<Result> chunk = results.subList(from, Math.min(results.size(), from + FINGERPRINT_CHUNK));
            jdbc.query(byFingerprints(chunk.size()), row, chunk.stream().map(this::stored).toArray());
        }
        recent.values().forEach(list -> list.sort(java.util.Comparator.comparing(Result::effectiveAt).reversed()));
        return new Lookup(byFingerprint, recent);
    }

    private static String byFingerprints(int count) {
        return "SELECT 'f' AS part, " + COLUMNS + ", fingerprint FROM lab_result WHERE fingerprint IN ("
                + String.join(",", java.util.Collections.nCopies(count, "?")) + ")";
    }

    /**
     * The patient's results for a test taken at or after {@code since} that still stand (final,
     * corrected or amended; not withdrawn), newest first (at most {@code limit}).
     */
    public List<Result> recent(String patientId, String testKey, Instant since, int limit) {
        return jdbc.query(SELECT + " WHERE patient_id = ? AND test_key = ? AND effective_at >= ?"
                + " AND status IN ('final', 'corrected', 'amended') ORDER BY effective_at DESC LIMIT ?", this::row,
                patientId, testKey, Timestamp.from(since), limit);
    }

    private static final String COLUMNS = "observation_ref, patient_id, test_key, effective_at, status, value_text,"
            + " facility, report_ref";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM lab_result";
    private static final String MERGE = "MERGE INTO lab_result t USING (SELECT CAST(? AS VARCHAR(140)) AS observation_ref) s"
            + " ON t.observation_ref = s.observation_ref"
            + " WHEN MATCHED THEN UPDATE SET patient_id = ?, test_key = ?, effective_at = ?, status = ?,"
            + " value_text = ?, facility = ?, fingerprint = ?, report_ref = ?"
            + " WHEN NOT MATCHED THEN INSERT (observation_ref, patient_id, test_key, effective_at, status, value_text,"
            + " facility, fingerprint, report_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private Result row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Result(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                rs.getString(5), open(rs.getString(6), rs.getString(1)), rs.getString(7), rs.getString(8));
    }

    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
