package org.harbour.routes.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest for every stored copy of patient data (record payloads, raw messages,
 * conversion reports, lab history values, bodies on the broker): AES-256-GCM with a random 96-bit
 * nonce per write, and associated data naming where the ciphertext belongs (a resource's type, id
 * and version; a message's id), so a ciphertext copied onto another row does not decrypt. Also
 * keyed hashes (HMAC-SHA256, a key derived from the base key) for identifiers in search indexes,
 * so HKIDs are never stored in clear there either.
 *
 * <p>Keys come from a {@link Keyring}: each ciphertext starts with a format byte and the number of
 * the key that sealed it, so after {@code harbour keys rotate} new data is sealed with the new
 * key while older data stays readable. Format 1 (before key numbers) is read as key 1. The key
 * material never leaves this object: {@link #toString} names key numbers only.
 */
public final class RecordCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte FORMAT_1 = 1;
    private static final byte FORMAT_2 = 2;
    private static final int HEADER_2 = 1 + 4 + NONCE_BYTES;
    /** Prefix of a sealed text column value: then base64 (URL-safe) of the ciphertext. */
    private static final String TEXT_PREFIX = "~";

    private record State(Keyring ring, Map<Integer, SecretKeySpec> encryption, String fileChanged) {
    }

    private final byte[] baseKey;
    private final Path keyringFile;
    private final SecretKeySpec hashing;
    private final SecureRandom random = new SecureRandom();
    private volatile State state;

    /** @param key 32 bytes of key material: the base key (key 1), alone in its ring */
    public RecordCipher(byte[] key) {
        this(key, null);
    }

    /**
     * @param base the base key (key 1), 32 bytes
     * @param keyringFile the file of keys added since ({@link Keyring}), or null for none
     */
    public RecordCipher(byte[] base, Path keyringFile) {
        if (base.length != 32) {
            throw new IllegalArgumentException("the record encryption key must be 32 bytes (base64 of 32 random bytes),"
                    + " not " + base.length);
        }
        this.baseKey = base.clone();
        this.keyringFile = keyringFile;
        this.hashing = new SecretKeySpec(derive(base, "harbour-record-index"), "HmacSHA256");
        this.state = load();
    }

    /** Reads a key written as base64 (standard or URL-safe). */
    public static RecordCipher fromBase64(String key) {
        return new RecordCipher(Keyring.decode(key));
    }

    /** A cipher with a random key of its own, kept in memory only (for tools and tests that keep nothing). */
    public static RecordCipher ephemeral() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new RecordCipher(key);
    }

    private State load() {
        String changed = Keyring.changed(keyringFile);
        Keyring ring = Keyring.load(baseKey, keyringFile);
        Map<Integer, SecretKeySpec> keys = new HashMap<>();
        ring.keys().forEach((id, key) -> keys.put(id, new SecretKeySpec(id == Keyring.BASE
                ? derive(key, "harbour-record-encryption") : derive(key, "harbour-record-encryption-" + id), "AES")));
        return new State(ring, Map.copyOf(keys), changed);
    }

    /**
     * Loads the keyring file again if it changed since it was read (a rotation by the command
     * line); returns true when it did.
     */
    public synchronized boolean refresh() {
        if (keyringFile == null || Objects.equals(Keyring.changed(keyringFile), state.fileChanged())) {
            return false;
        }
        state = load();
        return true;
    }

    /** The keyring as last read. */
    public Keyring keyring() {
        return state.ring();
    }

    /** The number of the key new ciphertexts are sealed with. */
    public int currentKey() {
        return state.ring().current();
    }

    public Path keyringFile() {
        return keyringFile;
    }


    public byte[] encrypt(byte[] plain, String associated) {
        State s = state;
        int id = s.ring().current();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, s.encryption().get(id), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(HEADER_2 + sealed.length).put(FORMAT_2).putInt(id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by every Java platform", e);
        }
    }

    public byte[] decrypt(byte[] stored, String associated) {
        int id = keyOf(stored);
        if (id < 0) {
            throw new IllegalStateException("stored ciphertext in an unknown format");
        }
        SecretKeySpec key = state.encryption().get(id);
        if (key == null && refresh()) {
            key = state.encryption().get(id);
        }
        if (key == null) {
            throw new IllegalStateException("stored ciphertext sealed with key " + id + ", which is not in the keyring");
        }
        int header = stored[0] == FORMAT_1 ? 1 + NONCE_BYTES : HEADER_2;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, header - NONCE_BYTES,
                    NONCE_BYTES));
            cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, header, stored.length - header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored ciphertext does not decrypt with key " + id
                    + " (wrong key, or altered)", e);
        }
    }

    /** The number of the key that sealed this ciphertext, or -1 when it is not one of this cipher's formats. */
    public static int keyOf(byte[] stored) {
        if (stored == null) {
            return -1;
        }
        if (stored.length >= 1 + NONCE_BYTES + TAG_BITS / 8 && stored[0] == FORMAT_1) {
            return Keyring.BASE;
        }
        if (stored.length >= HEADER_2 + TAG_BITS / 8 && stored[0] == FORMAT_2) {
            return ByteBuffer.wrap(stored, 1, 4).getInt();
        }
        return -1;
    }

    /** Seals a text for a text column ({@code ~} and base64); null stays null. */
    public String encryptText(String plain, String associated) {
        return plain == null ? null : TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(encrypt(plain.getBytes(StandardCharsets.UTF_8), associated));
    }

    /**
     * Opens a text sealed by {@link #encryptText}; null stays null, and a value written before
     * sealing (no ciphertext) is returned as it is, until the background pass seals it.
     */
    public String decryptText(String stored, String associated) {
        byte[] sealed = sealedBytes(stored);
        return sealed == null ? stored : new String(decrypt(sealed, associated), StandardCharsets.UTF_8);
    }

    /** The ciphertext of a sealed text column value, or null when the value is not sealed (written before sealing). */
    public static byte[] sealedBytes(String stored) {
        if (stored == null || !stored.startsWith(TEXT_PREFIX)) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(stored.substring(TEXT_PREFIX.length()));
            return keyOf(bytes) < 0 ? null : bytes;
        } catch (IllegalArgumentException e) {
            return null;
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

    @Override
    public String toString() {
        return "RecordCipher[" + state.ring() + "]";
    }
}
