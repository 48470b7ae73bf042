package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.harbour.connectors.mllp.MllpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Over a whole run through the hub (good messages, a resend, invalid input, FHIR reads), no log
 * line at INFO or above carries a test patient's name, Chinese name or HKID.
 */
class NoPatientDataInLogsTest extends HubTestSupport {

    private static final List<String> PATIENT_DATA = List.of("陳", "大文", "CHAN", "TAI MAN", "黃", "美玲",
            "A1234563", "A123456", "G123456A", "G123456", "91234567", "19600101", "彌敦道", "19650312");

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void release() {
        root.detachAppender(captured);
    }

    @Test
    void noLogLineAtInfoOrAboveCarriesPatientData() throws Exception {
        String sender = uniqueSender("LOGS");
        try (MllpClient client = connect()) {
            client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "L-1", "UNICODE UTF-8")));
            client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "L-1", "UNICODE UTF-8")));
            client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "L-2")));
            client.send(Hl7Samples.oru(sender, "L-3", "").getBytes(Hl7Samples.BIG5));
            client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "L-4", "").replace("|2.5.1|", "|9.9|")));
            client.send(Hl7Samples.utf8("PID|1||A1234563^^^HKID^NNHKG||陳^大文\r"));
            client.send(Hl7Samples.utf8(Hl7Samples.oru(sender, "L-5", "KLINGON")));
            // envelopes whose MSH runs into the PID: each check names the field, never the value found there
            client.send(Hl7Samples.utf8("MSH|^~\\&|CMS|" + sender + "|HARBOUR|HUB|20260515095043||ORPID|1||A1234563^^^HKID^NNHKG"
                    + "||CHAN^TAI MAN||19650312|M\r"));
            client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "L-6").replace("|UNICODE UTF-8\r", "|CHAN^TAI MAN^^^^^L\r")));
            client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "L-7").replace("|2.5|||", "|2.5 CHAN TAI MAN A1234563|||")));
            // a control id with an escape sequence: logged escaped, never as a terminal command
            client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "L-8\u001b[2J")));
            client.send(Hl7Samples.utf8(Hl7Samples.adt(sender, "L-8\u001b[2J")));
            for (byte[] fuzzed : damagedEnvelopes(sender, 300)) {
                client.send(fuzzed);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> storedFrom(sender).stream()
                .filter(m -> "TRANSLATED".equals(m.translation())).count() >= 2);
        getWithToken("/fhir/Patient?identifier=urn:harbour:id:hkid%7CA1234563");
        getWithToken("/fhir/Patient?identifier=A1234563&colour=red");
        awaitInboundDrained();

        List<String> lines = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " " + e.getThrowableProxy().getMessage()))
                .toList();
        assertThat(lines).as("INFO+ lines captured").isNotEmpty();
        assertThat(lines).as("a rejected message was logged (ids only)").anyMatch(l -> l.contains("Rejected message kept"));
        assertThat(lines).as("the control id logged escaped").anyMatch(l -> l.contains("L-8\\x1B[2J"));
        for (String line : lines) {
            assertThat(line.chars().filter(c -> c < ' ' && c != '\n' && c != '\t'))
                    .as("control characters in a log line: %s", line).isEmpty();
            for (String phi : PATIENT_DATA) {
                assertThat(line).as("log line carries patient data '%s'", phi).doesNotContain(phi);
            }
        }
    }

    /**
     * A good ADT whose envelope is damaged at random (seeded): delimiters between MSH and PID
     * dropped, so the PID's fields (name, HKID, birth date) slide into MSH fields the checks read.
     */
    private static List<byte[]> damagedEnvelopes(String sender, int count) {
        String good = "MSH|^~\\&|CMS|" + sender + "|HARBOUR|HUB|20260515095043||ADT^A08^ADT_A01|F-0|P|2.5.1||||"
                + "|HKG|UNICODE UTF-8\rPID|1||A1234563^^^HKID^NNHKG||CHAN^TAI MAN^^^^^L||19650312|M\rPV1|1|O\r";
        java.util.Random random = new java.util.Random(20261203);
        List<byte[]> out = new java.util.ArrayList<>();
        int pid = good.indexOf("\rPID");
        for (int i = 0; i < count; i++) {
            StringBuilder damaged = new StringBuilder(good.replace("|F-0|", "|F-" + i + "|"));
            int cuts = 1 + random.nextInt(6);
            for (int c = 0; c < cuts; c++) {
                // a delimiter somewhere after MSH-2 and before the end of PID-8
                int from = 9 + random.nextInt(pid + 40);
                for (int at = from; at < damaged.length(); at++) {
                    char ch = damaged.charAt(at);
                    if (ch == '|' || ch == '\r' || (ch == '^' && random.nextInt(4) == 0)) {
                        damaged.deleteCharAt(at);
                        break;
                    }
                }
            }
            out.add(damaged.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }
}
