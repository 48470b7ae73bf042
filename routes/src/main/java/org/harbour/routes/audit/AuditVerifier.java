package org.harbour.routes.audit;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Base64;

/**
 * Checks the audit trail: the sequence has no gap, each entry chains to the one before, each
 * hash matches its entry, and every signed checkpoint is genuine and still matches the entry it
 * names (an entry after the last checkpoint that was removed with all later ones can only be
 * detected against a checkpoint exported to an external witness). Plain JDBC, so the command
 * line can run it without the hub.
 */
public final class AuditVerifier {

    /** The outcome: intact, or the first bad entry and why. */
    public record Result(boolean intact, long entries, Long firstBad, String problem, Long lastCheckpoint) {
        public String describe() {
            return intact ? "audit trail intact: " + entries + " entries"
                    + (lastCheckpoint == null ? ", no checkpoint yet" : ", last signed checkpoint at entry " + lastCheckpoint)
                    : "audit trail BROKEN at entry " + firstBad + ": " + problem;
        }
    }

    private AuditVerifier() {
    }

    /**
     * @param trusted the public key checkpoints must be signed with (the witness's copy); null to
     *     accept the key stored beside each checkpoint (weaker: a forger could replace both)
     */
    public static Result verify(Connection db, PublicKey trusted) throws SQLException {
        String previous = AuditChain.GENESIS;
        long expected = 1;
        long count = 0;
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT seq, recorded, entry, prev_hash, hash, patient_id, agent, subtype FROM audit_event ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            ps.setFetchSize(1000);
            while (rs.next()) {
                long seq = rs.getLong(1);
                if (seq != expected) {
                    return new Result(false, count, expected, seq > expected
                            ? "missing (deleted?): the next entry present is " + seq : "out of order", null);
                }
                String entry = rs.getString(3);
                if (!rs.getString(4).equals(previous)) {
                    return new Result(false, count, seq, "does not chain to the entry before it (inserted or reordered)", null);
                }
                String hash = AuditChain.hash(previous, seq, rs.getObject(2, OffsetDateTime.class).toInstant(), entry);
                if (!hash.equals(rs.getString(5))) {
                    return new Result(false, count, seq, "its content does not match its hash (edited)", null);
                }
                // the columns searches and the disclosure report go by must say what the (hashed) entry says
                String column = searchColumnsDiffer(entry, rs.getString(6), rs.getString(7), rs.getString(8));
                if (column != null) {
                    return new Result(false, count, seq, "its " + column + " column does not match its entry (edited)",
                            null);
                }
                previous = hash;
                expected++;
                count++;
            }
        }
        Long last = null;
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT c.seq, c.hash, c.public_key, c.signature, e.hash FROM audit_checkpoint c"
                        + " LEFT JOIN audit_event e ON e.seq = c.seq ORDER BY c.seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long seq = rs.getLong(1);
                if (trusted != null && !Base64.getEncoder().encodeToString(trusted.getEncoded()).equals(rs.getString(3))) {
                    return new Result(false, count, seq, "the checkpoint is signed with a key that is not the trusted one", null);
                }
                if (!signatureValid(seq, rs.getString(2), rs.getString(3), rs.getString(4))) {
                    return new Result(false, count, seq, "the checkpoint's signature is not valid", null);
                }
                if (rs.getString(5) == null) {
                    return new Result(false, count, count + 1, "entries up to the signed checkpoint at " + seq
                            + " are missing (truncated)", null);
                }
                if (!rs.getString(5).equals(rs.getString(2))) {
                    return new Result(false, count, seq, "differs from the signed checkpoint", null);
                }
                last = seq;
            }
        }
        return new Result(true, count, null, null, last);
    }

    private static final ca.uhn.fhir.context.FhirContext FHIR = ca.uhn.fhir.context.FhirContext.forR4Cached();

    /**
     * Which of the stored search columns (patient, agent, subtype) is not what the entry itself
     * says, or null when all agree. They are not in the hash, so each is recomputed from the
     * entry, which is.
     */
    static String searchColumnsDiffer(String entry, String patient, String agent, String subtype) {
        org.hl7.fhir.r4.model.AuditEvent event;
        try {
            event = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.AuditEvent.class, entry);
        } catch (RuntimeException e) {
            return "entry";
        }
        if (!java.util.Objects.equals(AuditEvents.patientOf(event), patient)) {
            return "patient_id";
        }
        if (!java.util.Objects.equals(AuditEvents.agentOf(event), agent)) {
            return "agent";
        }
        if (!java.util.Objects.equals(AuditEvents.subtypeOf(event), subtype)) {
            return "subtype";
        }
        return null;
    }

    static boolean signatureValid(long seq, String hash, String publicKey, String signature) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(AuditChain.checkpointBytes(seq, hash));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The signed checkpoints, oldest first, one JSON object each, for an external witness to keep. */
    public static java.util.List<String> checkpoints(Connection db) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT seq, hash, signed_at, public_key, signature FROM audit_checkpoint ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add("{\"seq\":" + rs.getLong(1) + ",\"hash\":\"" + rs.getString(2) + "\",\"signedAt\":\""
                        + rs.getObject(3, java.time.OffsetDateTime.class).toInstant() + "\",\"publicKey\":\""
                        + rs.getString(4) + "\",\"signature\":\"" + rs.getString(5) + "\"}");
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern WITNESSED = java.util.regex.Pattern.compile(
            "\\{\"seq\":(\\d+),\"hash\":\"([0-9a-f]{64})\",.*\"publicKey\":\"([^\"]+)\",\"signature\":\"([^\"]+)\"}");

    /**
     * Checks the trail against checkpoints a witness kept (lines from {@link #checkpoints}): each
     * must be validly signed by the trusted key and match the entry now at its position, so a
     * trail rebuilt or cut back after the witness saw it is caught even if its own checkpoints
     * were rewritten too.
     */
    public static Result verifyWitnessed(Connection db, PublicKey trusted, java.util.List<String> witnessed)
            throws SQLException {
        Result own = verify(db, trusted);
        if (!own.intact()) {
            return own;
        }
        String trustedText = trusted == null ? null : Base64.getEncoder().encodeToString(trusted.getEncoded());
        for (String line : witnessed) {
            if (line.isBlank()) {
                continue;
            }
            java.util.regex.Matcher m = WITNESSED.matcher(line.trim());
            if (!m.matches()) {
                return new Result(false, own.entries(), null, "a witnessed checkpoint cannot be read: " + line, null);
            }
            long seq = Long.parseLong(m.group(1));
            if (!signatureValid(seq, m.group(2), m.group(3), m.group(4))
                    || trustedText != null && !trustedText.equals(m.group(3))) {
                return new Result(false, own.entries(), seq, "the witnessed checkpoint's signature is not valid", null);
            }
            try (PreparedStatement ps = db.prepareStatement("SELECT hash FROM audit_event WHERE seq = ?")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Result(false, own.entries(), seq, "the trail no longer reaches this witnessed"
                                + " checkpoint (truncated)", null);
                    }
                    if (!rs.getString(1).equals(m.group(2))) {
                        return new Result(false, own.entries(), seq, "differs from the witnessed checkpoint", null);
                    }
                }
            }
        }
        return own;
    }

    /** A public key as base64 of its X.509 encoding (what {@link #checkpoints} prints). */
    public static PublicKey publicKey(String base64) throws java.security.GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(base64.trim())));
    }
}
