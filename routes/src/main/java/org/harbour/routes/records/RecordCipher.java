package org.harbour.routes.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest for record payloads: AES-256-GCM with a random 96-bit nonce per write, the
 * resource's type, id and version as associated data (a payload copied onto another row does
 * not decrypt). Also keyed hashes (HMAC-SHA256, a key derived from the same secret) for
 * identifiers in the search index, so HKIDs are never stored in clear there either.
 */
public final class RecordCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte VERSION = 1;

    private final SecretKeySpec encryption;
    private final SecretKeySpec hashing;
    private final SecureRandom random = new SecureRandom();

    /** @param key 32 bytes of key material */
    public RecordCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the record encryption key must be 32 bytes (base64 of 32 random bytes),"
                    + " not " + key.length);
        }
        this.encryption = new SecretKeySpec(derive(key, "harbour-record-encryption"), "AES");
        this.hashing = new SecretKeySpec(derive(key, "harbour-record-index"), "HmacSHA256");
    }

    /** Reads a key written as base64 (standard or URL-safe). */
    public static RecordCipher fromBase64(String key) {
        String k = key.strip();
        byte[] bytes = k.contains("-") || k.contains("_") ? Base64.getUrlDecoder().decode(k) : Base64.getDecoder().decode(k);
        return new RecordCipher(bytes);
    }

    public byte[] encrypt(byte[] plain, String associated) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryption, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by every Java platform", e);
        }
    }

    public byte[] decrypt(byte[] stored, String associated) {
        if (stored.length < 1 + NONCE_BYTES || stored[0] != VERSION) {
            throw new IllegalStateException("record payload in an unknown format");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryption, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("record payload does not decrypt with this key (wrong key, or altered)", e);
        }
    }

    /** A keyed hash of an index value (hex). */
    public String index(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashing);
            return java.util.HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by every Java platform", e);
        }
    }

    private static byte[] derive(byte[] key, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by every Java platform", e);
        }
    }
}
