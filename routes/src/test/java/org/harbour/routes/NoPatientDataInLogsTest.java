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
            "A1234563", "A123456", "G123456A", "G123456", "91234567", "19600101", "彌敦道");

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
        for (String line : lines) {
            for (String phi : PATIENT_DATA) {
                assertThat(line).as("log line carries patient data '%s'", phi).doesNotContain(phi);
            }
        }
    }
}
