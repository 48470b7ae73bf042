package org.harbour.routes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harbour.jar send} against the running hub. */
class SendCommandTest extends HubTestSupport {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int send(String... args) {
        return new SendCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void sendsEveryMessageOfAFileAndPrintsOneLinePerMessage() throws Exception {
        String sender = uniqueSender("CLI");
        Path file = dir.resolve("two.hl7");
        // as saved by an editor: LF line ends, two messages in one file
        Files.writeString(file, (Hl7Samples.oru(sender, "CLI-1", "") + Hl7Samples.adt(sender, "CLI-2")).replace("\r", "\n"));
        int exit = send("--host", "127.0.0.1", "--port", String.valueOf(mllpPort()), file.toString());
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("CLI-1 AA", "CLI-2 AA");
        awaitStored(sender, 2);
    }

    @Test
    void rejectedMessageMakesTheExitCodeNonZeroAndShowsTheReason() throws Exception {
        Path file = dir.resolve("bad.hl7");
        Files.writeString(file, Hl7Samples.oru("CLI-BAD", "CLI-3", "").replace("|2.5.1|", "|9.9|"));
        int exit = send("--host", "127.0.0.1", "--port", String.valueOf(mllpPort()), file.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("CLI-3 AR ").contains("MSH-12 version");
    }

    @Test
    void missingArgumentsAreAUsageError() {
        assertThat(send("--host", "127.0.0.1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }
}
