package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The record cipher's keyring: key numbers in every ciphertext, rotation, and data sealed before key numbers. */
class RecordCipherTest {

    private final byte[] base = random(32);

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Test
    void aCiphertextNamesItsKeyAndOpensOnlyWhereItBelongs() {
        RecordCipher cipher = new RecordCipher(base);
        byte[] sealed = cipher.encrypt("陳大文".getBytes(StandardCharsets.UTF_8), "message-raw/1");
        assertThat(RecordCipher.keyOf(sealed)).isEqualTo(1);
        assertThat(new String(cipher.decrypt(sealed, "message-raw/1"), StandardCharsets.UTF_8)).isEqualTo("陳大文");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "message-raw/2")).hasMessageContaining("does not decrypt");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("陳");
        assertThat(cipher.toString()).doesNotContain(Base64.getEncoder().encodeToString(base));
    }

    @Test
    void payloadsSealedBeforeKeyNumbersStillOpen() throws Exception {
        // format 1: a version byte, the nonce, the ciphertext, under the key derived from the base key
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(base, "HmacSHA256"));
        byte[] key = mac.doFinal("harbour-record-encryption".getBytes(StandardCharsets.UTF_8));
        byte[] nonce = random(12);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        aes.updateAAD("Patient/p1/_history/1".getBytes(StandardCharsets.UTF_8));
        byte[] body = aes.doFinal("{\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8));
        byte[] v1 = ByteBuffer.allocate(1 + 12 + body.length).put((byte) 1).put(nonce).put(body).array();

        RecordCipher cipher = new RecordCipher(base);
        assertThat(RecordCipher.keyOf(v1)).isEqualTo(1);
        assertThat(new String(cipher.decrypt(v1, "Patient/p1/_history/1"), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"p1\"}");
    }

    @Test
    void aRotationIsPickedUpAndOlderCiphertextsStayReadable() throws Exception {
        Path keyring = Files.createTempDirectory("harbour-keyring-").resolve("keyring");
        RecordCipher cipher = new RecordCipher(base, keyring);
        byte[] before = cipher.encrypt("4.1 mmol/L".getBytes(StandardCharsets.UTF_8), "lab-result/Observation/1");
        assertThat(cipher.refresh()).as("nothing changed").isFalse();

        assertThat(Keyring.rotate(keyring)).isEqualTo(2);
        assertThat(cipher.refresh()).isTrue();
        assertThat(cipher.currentKey()).isEqualTo(2);
        byte[] after = cipher.encrypt("4.2 mmol/L".getBytes(StandardCharsets.UTF_8), "lab-result/Observation/1");
        assertThat(RecordCipher.keyOf(after)).isEqualTo(2);
        assertThat(cipher.decrypt(before, "lab-result/Observation/1")).isEqualTo("4.1 mmol/L".getBytes(StandardCharsets.UTF_8));
        // a hub that has not reloaded yet still opens the new key's ciphertexts: an unknown key makes it reload
        RecordCipher stale = new RecordCipher(base, keyring);
        assertThat(Keyring.rotate(keyring)).isEqualTo(3);
        byte[] third = new RecordCipher(base, keyring).encrypt(new byte[] {1, 2, 3}, "x");
        assertThat(stale.decrypt(third, "x")).containsExactly(1, 2, 3);
        // owner-only, and the base key is never written there
        assertThat(Files.getPosixFilePermissions(keyring)).containsOnly(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(keyring)).doesNotContain(Base64.getEncoder().encodeToString(base));
        // a key missing from the ring is a clear failure, not garbage
        assertThatThrownBy(() -> new RecordCipher(base).decrypt(after, "lab-result/Observation/1"))
                .hasMessageContaining("key 2, which is not in the keyring");
    }

    @Test
    void textColumnsAreSealedAndValuesFromBeforeSealingReadAsTheyAre() {
        RecordCipher cipher = new RecordCipher(base);
        String sealed = cipher.encryptText("鉀 6.9 mmol/L", "lab-result/Observation/9");
        assertThat(sealed).startsWith("~").doesNotContain("mmol");
        assertThat(cipher.decryptText(sealed, "lab-result/Observation/9")).isEqualTo("鉀 6.9 mmol/L");
        assertThat(cipher.decryptText("5.0 mmol/L", "lab-result/Observation/9")).isEqualTo("5.0 mmol/L");
        assertThat(cipher.decryptText(null, "x")).isNull();
    }
}
