package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.harbour.connectors.chat.WebhookServer;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.mllp.camel.MllpListeners;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.Acks;
import org.harbour.routes.HarbourApplication;
import org.harbour.routes.RouteIds;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Patient data is never in clear at rest: a hub takes a realistic mix (admissions with Chinese
 * names and HKIDs in UTF-8 and Big5, a lab result with text, a clinical document, a rejected
 * message, a delivered result and a dead-lettered one, and an identifier search), is stopped,
 * and then every file it wrote (database, broker journal, paging, large messages, bindings, trace
 * files) and what it logged are searched for each patient's names (UTF-8 and Big5 bytes), HKIDs,
 * phone numbers, dates of birth and result text. Nothing may be found. Subclasses run it on the
 * embedded default and on PostgreSQL with an external broker (adding a {@code pg_dump} of the database).
 */
abstract class DataAtRestContract {

    static final String TOKEN = "at-rest-test-token-0123456789";

    /** One test patient's identifying values, as sent. */
    record Person(String family, String given, String hkid, String phone, String birthDate) {
        String name() {
            return family + given;
        }
    }

    static final Person AU = new Person("區", "美華", Hkid.complete("Y", "271828"), "98761234", "19830517");
    static final Person LEUNG = new Person("梁", "志強", Hkid.complete("W", "314159"), "61239876", "19720229");
    static final Person TANG = new Person("鄧", "淑儀", Hkid.complete("Z", "161803"), "53217788", "19910704");
    static final String RESULT_TEXT = "腫瘤標記輕微上升";
    static final String RESULT_TEXT_EN = "tumour marker mildly raised";
    static final String NOTE_TEXT = "出院摘要病情穩定";
    static final String NOTE_TEXT_EN = "discharged in stable condition";

    /** The hub's properties beyond the common ones (database, broker, data directory). */
    abstract Map<String, Object> hubProperties() throws Exception;

    /** The files to search once the hub has stopped (its data directory, an external broker's). */
    abstract List<Path> filesToSearch() throws Exception;

    /** Further bytes to search once the hub has stopped (a database dump); none by default. */
    List<byte[]> dumps() throws Exception {
        return List.of();
    }

    static String adt(String sender, String controlId, Person p, String charsetField) {
        return "MSH|^~\\&|PAS|" + sender + "|HARBOUR|HUB|20261204101500+0800||ADT^A01^ADT_A01|" + controlId
                + "|P|2.5.1|||||HKG|" + charsetField + "\r"
                + "EVN|A01|20261204101500+0800\r"
                + "PID|1||" + sender + "-" + controlId + "^^^" + sender + "^MR~" + p.hkid() + "^^^HKID^NNHKG||" + p.family()
                + "^" + p.given() + "^^^^^L||" + p.birthDate() + "|F|||荃灣沙咀道88號^^荃灣^^^HKG||^PRN^PH^^852^"
                + p.phone() + "\r"
                + "PV1|1|I|MED^12^3^" + sender + "||||D5678^李^志明\r";
    }

    static String oru(String sender, String controlId, Person p) {
        return "MSH|^~\\&|MEDILINK|" + sender + "|HARBOUR|HUB|20261204093000+0800||ORU^R01^ORU_R01|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||" + sender + "-" + controlId + "^^^" + sender + "^MR~" + p.hkid() + "^^^HKID^NNHKG||"
                + p.family() + "^" + p.given() + "^^^^^L||" + p.birthDate() + "|F|||||^PRN^PH^^852^" + p.phone() + "\r"
                + "ORC|RE|ORD" + controlId + "|LAB" + controlId + "\r"
                + "OBR|1|ORD" + controlId + "|LAB" + controlId + "|2039-6^Carcinoembryonic Ag^LN|||20261204083000+0800\r"
                + "OBX|1|NM|2039-6^Carcinoembryonic Ag [Mass/volume] in Serum or Plasma^LN||7.3|ng/mL^ng/mL^UCUM|0-5|H|||F"
                + "|||20261204083000+0800\r"
                + "OBX|2|TX|2039-6^Carcinoembryonic Ag^LN||" + RESULT_TEXT + " " + RESULT_TEXT_EN + "||||||F\r";
    }

    static String mdm(String sender, String controlId, Person p) {
        return "MSH|^~\\&|EMR|" + sender + "|HARBOUR|HUB|20261204120000+0800||MDM^T02^MDM_T02|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "EVN|T02|20261204120000+0800\r"
                + "PID|1||" + sender + "-" + controlId + "^^^" + sender + "^MR~" + p.hkid() + "^^^HKID^NNHKG||"
                + p.family() + "^" + p.given() + "^^^^^L||" + p.birthDate() + "|F\r"
                + "TXA|1|DS|TX|20261204115500+0800|||||||DOC" + controlId + "||||||AU\r"
                + "OBX|1|TX|18842-5^Discharge summary^LN||" + NOTE_TEXT + " " + NOTE_TEXT_EN + "||||||F\r";
    }

    /** The values no file may hold, each as the bytes it would be written in. */
    static Map<String, byte[]> needles() {
        Map<String, byte[]> needles = new LinkedHashMap<>();
        Charset big5 = Charset.forName("Big5");
        for (Person p : List.of(AU, LEUNG, TANG)) {
            needles.put(p.name() + " (UTF-8)", p.name().getBytes(StandardCharsets.UTF_8));
            needles.put(p.given() + " (UTF-8)", p.given().getBytes(StandardCharsets.UTF_8));
            needles.put(p.name() + " (Big5)", p.name().getBytes(big5));
            needles.put(p.given() + " (Big5)", p.given().getBytes(big5));
            needles.put("HKID " + p.hkid(), p.hkid().getBytes(StandardCharsets.US_ASCII));
            needles.put("phone " + p.phone(), p.phone().getBytes(StandardCharsets.US_ASCII));
            needles.put("birth date " + p.birthDate(), p.birthDate().getBytes(StandardCharsets.US_ASCII));
            String iso = p.birthDate().substring(0, 4) + "-" + p.birthDate().substring(4, 6) + "-"
                    + p.birthDate().substring(6);
            needles.put("birth date " + iso, iso.getBytes(StandardCharsets.US_ASCII));
        }
        for (String text : List.of(RESULT_TEXT, NOTE_TEXT, "荃灣沙咀道")) {
            needles.put(text, text.getBytes(StandardCharsets.UTF_8));
        }
        for (String text : List.of(RESULT_TEXT_EN, NOTE_TEXT_EN)) {
            needles.put(text, text.getBytes(StandardCharsets.US_ASCII));
        }
        return needles;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> api(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN);
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/fhir+json").method(method,
                        HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingIdentifyingIsInClearInAnyFileOrLogAfterARealisticRun() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try (WebhookServer accepting = new WebhookServer(body -> null, "{}");
                WebhookServer refusing = new WebhookServer(body -> "refused", "{}")) {
            Map<String, Object> properties = new LinkedHashMap<>(hubProperties());
            properties.put("server.port", 0);
            properties.put("harbour.mllp.port", 0);
            properties.put("harbour.mllp.host", "127.0.0.1");
            properties.put("harbour.ingest.min-free-disk", "10MB");
            // its broker's JMX names must not replace the shared test hub's (same JVM)
            properties.put("harbour.broker.name", "at-rest-" + java.util.UUID.randomUUID());
            properties.put("harbour.api.token", TOKEN);
            properties.put("harbour.console.password", "at-rest-console-password");
            properties.put("harbour.delivery.initial-delay", "10ms");
            properties.put("harbour.delivery.maximum-delay", "50ms");
            recipient(properties, "dr-ok", "webhook", accepting.url("/hook").toString());
            recipient(properties, "dr-refuse", "webhook", refusing.url("/hook").toString());
            // as command-line arguments: above every profile's own settings
            String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new);
            try (ConfigurableApplicationContext hub = new SpringApplicationBuilder(HarbourApplication.class)
                    .run(args)) {
                run(hub, accepting);
            }
        } finally {
            root.detachAppender(logged);
        }

        Map<String, byte[]> needles = needles();
        List<String> found = new ArrayList<>();
        List<Path> searched = new ArrayList<>();
        for (Path top : filesToSearch()) {
            try (Stream<Path> files = Files.walk(top)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    searched.add(file);
                    byte[] bytes = Files.readAllBytes(file);
                    needles.forEach((what, needle) -> {
                        if (contains(bytes, needle)) {
                            found.add(what + " in " + top.relativize(file));
                        }
                    });
                }
            }
        }
        int dump = 0;
        for (byte[] bytes : dumps()) {
            int n = ++dump;
            needles.forEach((what, needle) -> {
                if (contains(bytes, needle)) {
                    found.add(what + " in database dump " + n);
                }
            });
        }
        for (ILoggingEvent event : logged.list) {
            if (event.getLevel().isGreaterOrEqual(Level.INFO)) {
                byte[] line = (event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                        : " " + event.getThrowableProxy().getMessage())).getBytes(StandardCharsets.UTF_8);
                needles.forEach((what, needle) -> {
                    if (contains(line, needle)) {
                        found.add(what + " logged by " + event.getLoggerName());
                    }
                });
            }
        }
        // the search covered the stores that were written: a database and a broker journal at least
        assertThat(searched).as("files searched").anyMatch(f -> f.toString().contains("journal"));
        assertThat(found).as("patient data found in clear").isEmpty();
    }

    private static void recipient(Map<String, Object> properties, String id, String type, String url) {
        String at = "harbour.recipients." + id + ".";
        properties.put(at + "name", id);
        properties.put(at + "organization", "qmh");
        properties.put(at + "endpoint.type", type);
        properties.put(at + "endpoint.url", url);
        properties.put(at + "endpoint.secret", "whsec-" + id);
        properties.put(at + "endpoint.disclosure", "full");
    }

    /** The mix: everything the hub does with patient data, each kind at least once. */
    private void run(ConfigurableApplicationContext hub, WebhookServer accepting) throws Exception {
        CamelContext camel = hub.getBean(CamelContext.class);
        int port = MllpListeners.get(camel, RouteIds.MLLP_LISTENER).port();
        int http = Integer.parseInt(hub.getEnvironment().getProperty("local.server.port"));
        org.springframework.jdbc.core.JdbcTemplate jdbc = hub.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
        try (MllpClient client = MllpClient.connect("127.0.0.1", port)) {
            assertThat(Acks.parse(client.send(adt("QMH", "REST-1", AU, "UNICODE UTF-8")
                    .getBytes(StandardCharsets.UTF_8))).code()).isEqualTo("AA");
            assertThat(Acks.parse(client.send(adt("KWH", "REST-2", LEUNG, "BIG-5").getBytes(Charset.forName("Big5"))))
                    .code()).isEqualTo("AA");
            // rejected at the door (a version this hub does not read), and kept with its bytes
            assertThat(Acks.parse(client.send(adt("QMH", "REST-3", TANG, "UNICODE UTF-8").replace("|P|2.5.1|", "|P|9.9|")
                    .getBytes(StandardCharsets.UTF_8))).code()).isNotEqualTo("AA");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM message WHERE control_id IN ('REST-1', 'REST-2', 'REST-3')", Integer.class) == 3);
        String patient = hubPatient(http, AU.hkid());
        assertThat(api(http, "PUT", "/fhir/Consent/rest-ok", org.harbour.routes.disclose.DeliveryTest.consent("rest-ok", patient, "active",
                "Practitioner/dr-ok", null))
                .statusCode()).isEqualTo(201);
        assertThat(api(http, "PUT", "/fhir/Consent/rest-refuse", org.harbour.routes.disclose.DeliveryTest.consent(
                "rest-refuse", patient, "active", "Practitioner/dr-refuse", null)).statusCode()).isEqualTo(201);
        try (MllpClient client = MllpClient.connect("127.0.0.1", port)) {
            assertThat(Acks.parse(client.send(oru("QMH", "REST-4", AU).getBytes(StandardCharsets.UTF_8))).code())
                    .isEqualTo("AA");
            assertThat(Acks.parse(client.send(mdm("QMH", "REST-5", AU).getBytes(StandardCharsets.UTF_8))).code())
                    .isEqualTo("AA");
        }
        // delivered to one doctor, dead-lettered for the other (its endpoint refuses)
        await().atMost(Duration.ofSeconds(60)).until(() -> !accepting.accepted().isEmpty());
        org.apache.activemq.artemis.core.server.ActiveMQServer broker = brokerOf(hub);
        if (broker != null) {
            await().atMost(Duration.ofSeconds(60)).until(() -> broker.locateQueue(
                    org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE) != null && broker.locateQueue(
                    org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE).getMessageCount() > 0);
        } else {
            await().atMost(Duration.ofSeconds(60)).until(() -> deadLettered(hub));
        }
        // searched by identifier, as a clinician's system does
        assertThat(api(http, "GET", "/fhir/Patient?identifier=urn:harbour:id:hkid%7C" + LEUNG.hkid(), null)
                .statusCode()).isEqualTo(200);
        assertThat(api(http, "GET", "/fhir/Observation?patient=" + patient, null).body()).contains(RESULT_TEXT);
    }

    /** Whether the delivery dead-letter queue holds something (an external broker, asked over JMS). */
    private static boolean deadLettered(ConfigurableApplicationContext hub) {
        return Boolean.TRUE.equals(hub.getBean(org.springframework.jms.core.JmsTemplate.class).browse(
                org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                (session, browser) -> browser.getEnumeration().hasMoreElements()));
    }

    /** The embedded broker, or null with an external one. */
    private static org.apache.activemq.artemis.core.server.ActiveMQServer brokerOf(ConfigurableApplicationContext hub) {
        var embedded = hub.getBeanProvider(org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ.class)
                .getIfAvailable();
        return embedded == null ? null : embedded.getActiveMQServer();
    }

    private String hubPatient(int port, String hkid) {
        java.util.regex.Pattern id = java.util.regex.Pattern.compile("\"resourceType\":\"Patient\",\"id\":\"([^\"]+)\"");
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            java.util.regex.Matcher m = id.matcher(api(port, "GET", "/fhir/Patient?identifier=urn:harbour:id:hkid%7C"
                    + hkid, null).body());
            found[0] = m.find() ? m.group(1) : null;
            return found[0] != null;
        });
        return found[0];
    }

    static Path temporary(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
