package org.harbour.routes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harbour.routes.records.Keyring;
import org.junit.jupiter.api.Test;

/** {@code keys rotate|list}: adds keys to the keyring file, names them by number, never prints their material. */
class KeysCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final KeysCommand command = new KeysCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void rotateAddsAKeyMakesItCurrentAndListNamesTheKeys() throws Exception {
        Path dataDir = Files.createTempDirectory("harbour-keys-");
        assertThat(command.run(new String[] {"rotate", "--data-dir", dataDir.toString()})).isZero();
        assertThat(command.run(new String[] {"rotate", "--data-dir", dataDir.toString()})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("key 2 is now", "key 3 is now");
        Keyring ring = Keyring.load(new byte[32], dataDir.resolve("keyring"));
        assertThat(ring.current()).isEqualTo(3);
        out.reset();
        assertThat(command.run(new String[] {"list", "--data-dir", dataDir.toString()})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("keys [1, 2, 3], current 3");
        // no key material on the terminal
        String key = java.util.Base64.getEncoder().encodeToString(ring.keys().get(3));
        assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).doesNotContain(key);
    }

    @Test
    void helpPrintsUsageAndUnknownCommandsAreUsageErrors() {
        assertThat(command.run(new String[] {"--help"})).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("keys rotate");
        assertThat(command.run(new String[] {"rotate", "-h"})).isZero();
        assertThat(command.run(new String[] {"shred"})).isEqualTo(2);
        assertThat(command.run(new String[] {"rotate", "--bogus"})).isEqualTo(2);
    }
}
