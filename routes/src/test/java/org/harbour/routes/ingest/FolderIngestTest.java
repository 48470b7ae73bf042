package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.StoredMessage;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A clinic's system drops HL7 v2 files into an inbound folder: every message of a file (a batch
 * too) is taken as if sent over MLLP and stored; the file moves to done/, or to error/ with a
 * .reason file when a message was refused (the refused one kept in the message store like any);
 * the same file dropped again is not read again.
 */
class FolderIngestTest extends HubTestSupport {

    private static final Path INBOX = inbox();

    private static Path inbox() {
        try {
            return Files.createTempDirectory("harbour-inbox-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void folder(DynamicPropertyRegistry registry) throws IOException {
        ownBrokerAndDatabase(registry, "folder-test");
        registry.add("harbour.inbound-folders.kwc-drop.path", INBOX::toString);
        registry.add("harbour.inbound-folders.kwc-drop.stable-for", () -> "200ms");
        registry.add("harbour.inbound-folders.kwc-drop.poll-interval", () -> "100ms");
    }

    /** Writes the file under a temporary name first, as a producer should, then gives it its name. */
    private static void drop(String name, String content) throws IOException {
        Path part = INBOX.resolve("." + name + ".part");
        Files.writeString(part, content, StandardCharsets.UTF_8);
        Files.move(part, INBOX.resolve(name));
    }

    private static List<Path> in(String folder) throws IOException {
        try (Stream<Path> files = Files.list(INBOX.resolve(folder))) {
            return files.sorted().toList();
        }
    }

    @Test
    void everyMessageOfABatchFileIsTakenAndTheFileMovesToDone() throws Exception {
        String sender = uniqueSender("DROP");
        drop("results-1.hl7", "FHS|^~\\&|LIS|" + sender + "|||20261203100000+0800||results-1.hl7\r"
                + "BHS|^~\\&|LIS|" + sender + "\r"
                + Hl7Samples.oru(sender, "F-1", "UNICODE UTF-8") + Hl7Samples.oru(sender, "F-2", "UNICODE UTF-8")
                + Hl7Samples.adt(sender, "F-3") + "BTS|3\rFTS|1\r");
        awaitStored(sender, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> in("done").stream()
                .anyMatch(p -> p.getFileName().toString().startsWith("results-1.hl7.")));
        assertThat(INBOX.resolve("results-1.hl7")).doesNotExist();
        List<StoredMessage> stored = storedFrom(sender);
        assertThat(stored).extracting(StoredMessage::controlId).containsExactlyInAnyOrder("F-1", "F-2", "F-3");
        assertThat(stored).allSatisfy(m -> {
            assertThat(m.listener()).isEqualTo("folder-kwc-drop");
            assertThat(m.remoteAddress()).startsWith("file:results-1.hl7#");
        });

        // the same file again (a producer's retry): moved to done/ unread, nothing taken twice
        drop("results-1.hl7", Files.readString(in("done").stream().filter(p -> p.getFileName().toString()
                .startsWith("results-1.hl7.")).findFirst().orElseThrow()));
        await().atMost(Duration.ofSeconds(30)).until(() -> in("done").stream()
                .filter(p -> p.getFileName().toString().startsWith("results-1.hl7.")).count() == 2);
        awaitInboundDrained();
        assertThat(storedFrom(sender)).hasSize(3).allSatisfy(m -> assertThat(m.duplicates()).isZero());
    }

    @Test
    void aFileWithARefusedMessageMovesToErrorWithItsReasonAndTheGoodOnesAreTaken() throws Exception {
        String sender = uniqueSender("DROPBAD");
        String bad = "MSH|^~\\&|LIS|" + sender + "|HARBOUR|HUB|20261203100000+0800||ORU^R01|F-BAD|P|9.9\r"
                + "PID|1||X1^^^" + sender + "^MR\r";
        drop("mixed.hl7", Hl7Samples.oru(sender, "F-GOOD", "UNICODE UTF-8") + bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> in("error").stream()
                .anyMatch(p -> p.getFileName().toString().startsWith("mixed.hl7.") && p.toString().endsWith(".reason")));
        Path reason = in("error").stream().filter(p -> p.toString().endsWith(".reason")).findFirst().orElseThrow();
        assertThat(Files.readString(reason)).contains("message 1 (control id F-GOOD): ACCEPT",
                "message 2 (control id F-BAD): REJECT");
        assertThat(in("error")).anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("mixed.hl7.")
                .doesNotEndWith(".reason"));
        await().atMost(Duration.ofSeconds(30)).until(() -> storedFrom(sender).size() == 2);
        assertThat(storedFrom(sender, MessageStatus.REJECTED)).extracting(StoredMessage::controlId)
                .containsExactly("F-BAD");
        assertThat(storedFrom(sender, MessageStatus.RECEIVED)).extracting(StoredMessage::controlId)
                .containsExactly("F-GOOD");
    }
}
