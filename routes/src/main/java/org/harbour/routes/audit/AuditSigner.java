package org.harbour.routes.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;

/**
 * The Ed25519 key that signs audit checkpoints, made from a 32-byte seed (base64) read from the
 * environment or a file, never from a default. The public key is exported with each checkpoint
 * and can be given to an external witness.
 */
public final class AuditSigner {

    private final KeyPair keys;

    public AuditSigner(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("the audit signing key must be 32 bytes (base64), not " + seed.length);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required by every Java 15+ platform", e);
        }
    }

    public static AuditSigner fromBase64(String seed) {
        String s = seed.strip();
        return new AuditSigner(s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s)
                : Base64.getDecoder().decode(s));
    }

    public java.security.PublicKey publicKey() {
        return keys.getPublic();
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    String sign(long seq, String hash) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(keys.getPrivate());
            signer.update(AuditChain.checkpointBytes(seq, hash));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Hands the key generator the seed as its only randomness, so the key pair follows from it. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
