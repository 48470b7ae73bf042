package org.harbour.routes.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash chain: each entry's hash is SHA-256 over the previous entry's hash, its sequence
 * number, its time and its text, so editing, deleting, inserting or reordering any entry breaks
 * every hash after it. The first entry chains to {@link #GENESIS}.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(String previous, long seq, Instant recorded, String entry) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((previous + "\n" + seq + "\n" + recorded.toEpochMilli() + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(entry.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** What the checkpoint signature covers. */
    static byte[] checkpointBytes(long seq, String hash) {
        return ("harbour-audit-checkpoint\n" + seq + "\n" + hash).getBytes(StandardCharsets.UTF_8);
    }
}
