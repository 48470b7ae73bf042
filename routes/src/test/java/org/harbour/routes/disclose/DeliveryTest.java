package org.harbour.routes.disclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harbour.connectors.chat.DingTalkRobotServer;
import org.harbour.connectors.chat.WebhookSender;
import org.harbour.connectors.chat.WebhookServer;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.harbour.routes.StageErrorHandling;
import org.harbour.routes.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Consent-gated forwarding end to end: HL7 results over MLLP reach the doctors the patient
 * authorised, on local servers that keep DingTalk's, Slack's, Teams' and a signed webhook's
 * contracts, and nobody else; revocation, care-team changes, outages and misconfiguration.
 */
public class DeliveryTest extends HubTestSupport {

    private static final String SECRET = "SECtest-robot-secret-0123";
    private static final DingTalkRobotServer ROBOT = start(() -> new DingTalkRobotServer("tok-chan", SECRET,
            Clock.systemUTC()));
    private static final DingTalkRobotServer WRONG_ROBOT = start(() -> new DingTalkRobotServer("tok-ma", SECRET,
            Clock.systemUTC()));
    private static final WebhookServer WEBHOOK = start(() -> new WebhookServer(body -> null, "{}"));
    private static final WebhookServer SLACK = start(() -> new WebhookServer(body -> body.contains("\"blocks\":[")
            ? null : "invalid_payload", "ok"));
    private static final WebhookServer TEAMS = start(() -> new WebhookServer(body -> body.contains("AdaptiveCard")
            ? null : "bad card", ""));

    interface Starter<T> {
        T start() throws Exception;
    }

    private static <T> T start(Starter<T> starter) {
        try {
            return starter.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void recipients(DynamicPropertyRegistry registry) throws java.io.IOException {
        ownBrokerAndDatabase(registry, "delivery-test"); // a hub of its own: other recipients
        recipient(registry, "dr-chan", "陳醫生", "kwc-clinic", "dingtalk", ROBOT.url().toString(), SECRET, "minimum");
        registry.add("harbour.recipients.dr-chan.mentions", () -> "85291234567");
        registry.add("harbour.recipients.dr-chan.identifiers", () -> "D1234");
        recipient(registry, "dr-wong", "黃醫生", "qmh", "webhook", WEBHOOK.url("/hooks/harbour").toString(), "whsec-wong",
                "full");
        recipient(registry, "dr-lee", "Dr Lee", "pwh", "slack", SLACK.url("/services/T1/B1/x").toString(), null,
                "link-only");
        recipient(registry, "nurse-ho", "何姑娘", "qmh", "teams", TEAMS.url("/workflows/1").toString(), null, "minimum");
        recipient(registry, "dr-ma", "馬醫生", "kwc-clinic", "dingtalk", WRONG_ROBOT.url().toString(), "SECwrong", "minimum");
        registry.add("harbour.delivery.initial-delay", () -> "50ms");
        registry.add("harbour.delivery.maximum-delay", () -> "200ms");
        registry.add("harbour.delivery.maximum-attempts", () -> "2000");
        registry.add("harbour.public-base-url", () -> "https://harbour.hospital.example");
    }

    private static void recipient(DynamicPropertyRegistry registry, String id, String name, String organization,
            String type, String url, String secret, String disclosure) {
        String at = "harbour.recipients." + id + ".";
        registry.add(at + "name", () -> name);
        registry.add(at + "organization", () -> organization);
        registry.add(at + "endpoint.type", () -> type);
        registry.add(at + "endpoint.url", () -> url);
        if (secret != null) {
            registry.add(at + "endpoint.secret", () -> secret);
        }
        registry.add(at + "endpoint.disclosure", () -> disclosure);
    }

    @Autowired
    private AuditTrail audit;

    @Autowired
    private org.harbour.routes.support.BrokerSeal seal;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker;

    /** Messages on a recipient's queue, those delivered to its consumer and not yet acknowledged included. */
    private long onQueue(String recipient) {
        org.apache.activemq.artemis.core.server.Queue queue = broker.getActiveMQServer()
                .locateQueue(Recipients.queueOf(recipient));
        return queue.getMessageCount() + queue.getDeliveringCount();
    }


    private void send(String message) throws Exception {
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(message.getBytes(StandardCharsets.UTF_8))).code()).isEqualTo("AA");
        }
    }

    /** Sends a first result so the patient exists, and returns the hub Patient id. */
    private String patient(int n) throws Exception {
        // a value no test sends again: the same value at the same time would be a repeat, not disclosed anew
        send(Hl7Samples.potassium("KWC", "P" + n + "-0", n, "3.9", "N"));
        return hubPatient(Hl7Samples.hkidOf(n));
    }

    private HttpResponse<String> put(String path, String body) {
        return sendJson("PUT", path, body);
    }

    /** A Consent as a patient gives it: permit, treatment, to one actor (of a class of records, or all). */
    public static String consent(String id, String patient, String status, String actor, String classJson) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"status\":\"" + status + "\","
                + "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\","
                + "\"code\":\"patient-privacy\"}]},"
                + "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],"
                + "\"patient\":{\"reference\":\"Patient/" + patient + "\"},"
                + "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\","
                + "\"code\":\"OPTIN\"}]},"
                + "\"provision\":{\"type\":\"permit\",\"period\":{\"end\":\"2027-12-31\"},"
                + "\"actor\":[{\"role\":{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"PRCP\"}]},"
                + "\"reference\":{\"reference\":\"" + actor + "\"}}],"
                + "\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"TREAT\"}]"
                + (classJson == null ? "" : ",\"class\":[" + classJson + "]") + "}}";
    }

    static final String LAB = "{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
            + "\"code\":\"laboratory\"}";

    private List<AuditEvent> audited(String patient, String subtype) {
        return audit.search(new AuditTrail.Query(patient, null, List.of(subtype), null, null), 500, 0).entries();
    }

    private double counter(String name, String endpoint) {
        var c = meters.find(name).tag("endpoint", endpoint).counter();
        return c == null ? 0 : c.count();
    }

    private List<DingTalkRobotServer.Shown> shownAbout(int n) {
        String masked = Hl7Samples.hkidOf(n).substring(0, 4) + "***(*)";
        return ROBOT.shown().stream().filter(s -> s.text().contains(masked)).toList();
    }

    @Test
    void aConsentedResultReachesTheDoctorsDingTalkSignedWithinTwoSecondsAndOnlyOnce() throws Exception {
        int n = 301001;
        String patient = patient(n);
        // no consent yet: the first result is withheld from everyone, and that is audited
        await().atMost(Duration.ofSeconds(30)).until(() -> audited(patient, "withheld").size() >= 5);
        assertThat(audited(patient, "withheld")).allSatisfy(e -> assertThat(e.getOutcomeDesc())
                .startsWith("deny: no active consent permits"));
        assertThat(shownAbout(n)).isEmpty();

        HttpResponse<String> created = put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active",
                "Practitioner/dr-chan", LAB));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(audited(patient, "consent-created")).hasSize(1);

        long start = System.nanoTime();
        send(Hl7Samples.potassium("KWC", "P" + n + "-1", n, "6.9", "HH"));
        await().atMost(Duration.ofSeconds(2)).until(() -> shownAbout(n).size() == 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).isLessThan(2000);
        DingTalkRobotServer.Shown shown = shownAbout(n).get(0);
        assertThat(shown.text()).contains("URGENT", "C. T. M.", "K301***(*)", "Potassium", "6.9 mmol/L", "HH",
                "@85291234567", "https://harbour.hospital.example/fhir/", "sent to dr-chan")
                .doesNotContain("陳大文", "CHAN", Hl7Samples.hkidOf(n));
        assertThat(shown.atMobiles()).containsExactly("85291234567");
        await().atMost(Duration.ofSeconds(10)).until(() -> audited(patient, "disclosed").size() == 1);
        AuditEvent disclosed = audited(patient, "disclosed").get(0);
        assertThat(disclosed.getOutcomeDesc()).startsWith("permit: Consent/c-" + n + "; delivered (minimum)");
        assertThat(disclosed.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("TREAT");

        // the same message replayed: the delivery is recognised, not sent again
        String messageId = storedFrom("KWC").stream().filter(m -> m.controlId().equals("P" + n + "-1")).findFirst()
                .orElseThrow().id();
        // the message store shows how far it went: delivered, once
        assertThat(store.get(messageId).orElseThrow().stage()).isEqualTo(org.harbour.routes.store.StoredMessage.Stage.DELIVERED);
        assertThat(store.get(messageId).orElseThrow().deliveries()).isEqualTo(1);
        double before = counter("harbour.delivery.already-delivered", "dr-chan");
        assertThat(postWithToken("/api/messages/" + messageId + "/replay").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> counter("harbour.delivery.already-delivered", "dr-chan") > before);
        assertThat(shownAbout(n)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> onQueue("dr-chan") == 0);
        // nobody else got it
        assertThat(WEBHOOK.accepted()).noneMatch(r -> r.body().contains(patient));
        String report = text(getWithToken("/api/patients/" + patient + "/disclosures"));
        assertThat(report).contains("\"disclosed\":1", "\"recipient\":\"dr-chan\"", "\"consent\":\"Consent/c-" + n + "\"");
    }

    @Test
    void aConsentRevokedWhileTheRecordIsQueuedWithholdsIt() throws Exception {
        int n = 302001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Practitioner/dr-chan", null))
                .statusCode()).isEqualTo(201);
        camel.getRouteController().stopRoute(DeliverRoutes.routeId("dr-chan"));
        try {
            double queued = counter("harbour.disclose.queued", "dr-chan");
            send(Hl7Samples.potassium("KWC", "P" + n + "-1", n, "5.0", "N"));
            await().atMost(Duration.ofSeconds(30)).until(() -> counter("harbour.disclose.queued", "dr-chan") > queued);
            HttpResponse<String> revoked = put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "inactive",
                    "Practitioner/dr-chan", null));
            assertThat(revoked.statusCode()).isEqualTo(200);
            assertThat(audited(patient, "consent-revoked")).hasSize(1);
        } finally {
            camel.getRouteController().startRoute(DeliverRoutes.routeId("dr-chan"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> audited(patient, "withheld").stream()
                .anyMatch(e -> e.getOutcomeDesc().contains("checked again at delivery")));
        assertThat(shownAbout(n)).isEmpty();
        // the patient's report cites the revoked consent as revoked, not "no active consent"
        assertThat(audited(patient, "withheld").stream().filter(e -> e.getOutcomeDesc().contains("checked again"))
                .findFirst().orElseThrow().getOutcomeDesc()).contains("Consent/c-" + n + " was revoked (status inactive)");
        assertThat(text(getWithToken("/api/patients/" + patient + "/disclosures")))
                .contains("\"reason\":\"you had withdrawn the consent that allowed it\"", "\"recipientName\":\"陳醫生\"",
                        "\"organization\":\"kwc-clinic\"");
    }

    @Test
    void aCareTeamMemberRemovedStopsReceivingAtOnce() throws Exception {
        int n = 303001;
        String patient = patient(n);
        String team = "{\"resourceType\":\"CareTeam\",\"status\":\"active\",\"name\":\"QMH diabetes team\","
                + "\"participant\":[{\"member\":{\"reference\":\"Practitioner/dr-wong\"}}%s]}";
        String withNurse = String.format(team, ",{\"member\":{\"reference\":\"Practitioner/nurse-ho\"}}");
        assertThat(put("/fhir/CareTeam/team-" + n, withNurse).statusCode()).isEqualTo(201);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "CareTeam/team-" + n, LAB))
                .statusCode()).isEqualTo(201);

        send(Hl7Samples.potassium("QMH", "P" + n + "-1", n, "3.2", "L"));
        await().atMost(Duration.ofSeconds(30)).until(() -> webhookFor("K303") == 1 && teamsFor("K303") == 1);

        assertThat(put("/fhir/CareTeam/team-" + n, String.format(team, "")).statusCode()).isEqualTo(200);
        send(Hl7Samples.potassium("QMH", "P" + n + "-2", n, "3.0", "L"));
        await().atMost(Duration.ofSeconds(30)).until(() -> webhookFor("K303") == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> audited(patient, "withheld").stream()
                .anyMatch(e -> e.getAgent().stream().anyMatch(a -> a.getWho().hasIdentifier()
                        && "nurse-ho".equals(a.getWho().getIdentifier().getValue()))));
        assertThat(teamsFor("K303")).isEqualTo(1);

        // the full-disclosure webhook: signed, with the readable summary
        WebhookServer.Request request = WEBHOOK.accepted().stream().filter(r -> r.body().contains("K303***(*)"))
                .findFirst().orElseThrow();
        assertThat(request.header(WebhookSender.SIGNATURE)).isEqualTo(WebhookSender.signature(
                "whsec-wong".getBytes(StandardCharsets.UTF_8), request.header(WebhookSender.TIMESTAMP), request.body()));
        assertThat(request.body()).contains("陳大文", "born 1960-01-01", "range 3.5-5.1", "sent to dr-wong");
    }

    private long webhookFor(String maskedStart) {
        return WEBHOOK.accepted().stream().filter(r -> r.body().contains(maskedStart + "***(*)")).count();
    }

    private long teamsFor(String maskedStart) {
        return TEAMS.accepted().stream().filter(r -> r.body().contains(maskedStart + "***(*)")).count();
    }

    @Test
    void anEndpointDownForLongGetsEverythingAfterwardsInOrderAndOnce() throws Exception {
        int n = 304001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Organization/pwh", null))
                .statusCode()).isEqualTo(201);
        SLACK.answer(503, null);
        int before = SLACK.accepted().size();
        try {
            for (int i = 1; i <= 5; i++) {
                double queued = counter("harbour.disclose.queued", "dr-lee");
                send(Hl7Samples.potassium("PWH", "P" + n + "-" + i, n, "4." + i, "N"));
                await().atMost(Duration.ofSeconds(30)).until(() -> counter("harbour.disclose.queued", "dr-lee") > queued);
            }
            int attempts = SLACK.requests();
            await().atMost(Duration.ofSeconds(30)).until(() -> SLACK.requests() > attempts + 5);
            assertThat(SLACK.accepted()).hasSize(before);
            // the route stopped while the first waits for its next attempt (its transaction rolls back),
            // and started again: the first is still the next one out, not held back behind the others
            camel.getRouteController().stopRoute(DeliverRoutes.routeId("dr-lee"));
            camel.getRouteController().startRoute(DeliverRoutes.routeId("dr-lee"));
            int afterRestart = SLACK.requests();
            await().atMost(Duration.ofSeconds(30)).until(() -> SLACK.requests() > afterRestart + 5);
        } finally {
            SLACK.answer(200, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> SLACK.accepted().size() == before + 5);
        // the stop cut the first one's retries short: it went back to its queue, not to the dead letters
        List<String> deadLettered = jms.browseSelected(StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                "HarbourPatientId = '" + patient + "'", (session, browser) -> {
                    List<String> reasons = new java.util.ArrayList<>();
                    for (Object m : java.util.Collections.list(browser.getEnumeration())) {
                        reasons.add(((jakarta.jms.Message) m).getStringProperty(org.harbour.routes.Headers.FAILURE_REASON));
                    }
                    return reasons;
                });
        assertThat(deadLettered).isEmpty();
        List<String> bodies = SLACK.accepted().subList(before, before + 5).stream().map(WebhookServer.Request::body).toList();
        // link-only: the links differ per message, nothing about the patient
        assertThat(bodies).doesNotHaveDuplicates().allSatisfy(b -> assertThat(b).contains("New record in Harbour",
                "sent to dr-lee").doesNotContain("Potassium", "C. T. M.", "K304"));
        // in the order sent: each link's report carries its message's order number
        List<String> sent = bodies.stream().map(b -> {
            Matcher link = Pattern.compile("/fhir/DiagnosticReport/([0-9a-f\\-]+)").matcher(b);
            assertThat(link.find()).isTrue();
            Matcher order = Pattern.compile("LABP" + n + "-(\\d)").matcher(text(getWithToken("/fhir/DiagnosticReport/"
                    + link.group(1))));
            assertThat(order.find()).isTrue();
            return order.group(1);
        }).toList();
        assertThat(sent).containsExactly("1", "2", "3", "4", "5");
        await().atMost(Duration.ofSeconds(10)).until(() -> disclosedTo(patient, "dr-lee").size() == 5);
        assertThat(disclosedTo(patient, "dr-lee")).doesNotHaveDuplicates();
        // each queue message is acknowledged once its receipt and audit entry are committed: none is left
        await().atMost(Duration.ofSeconds(10)).until(() -> onQueue("dr-lee") == 0);
    }

    private static final ca.uhn.fhir.context.FhirContext FHIR = ca.uhn.fhir.context.FhirContext.forR4Cached();

    @Test
    void aResultResentOrArrivingByAnotherRouteIsForwardedOnceAndItsCorrectionAgain() throws Exception {
        int n = 308001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Organization/pwh", null))
                .statusCode()).isEqualTo(201);
        String result = Hl7Samples.potassium("PWH", "P" + n + "-1", n, "5.3", "H");
        send(result);
        await().atMost(Duration.ofSeconds(30)).until(() -> disclosedTo(patient, "dr-lee").size() == 1);
        var repeated = meters.find("harbour.dedup.repeated.results").tags("test", "2823-3");
        double before = repeated.counters().stream().mapToDouble(c -> c.count()).sum();
        // the same report resent under another control id, and the same result forwarded by another hospital
        send(result.replace("|P" + n + "-1|P|", "|P" + n + "-1-resent|P|"));
        send(Hl7Samples.potassium("QMH", "P" + n + "-2", n, "5.3", "H"));
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.find("harbour.dedup.repeated.results")
                .tags("test", "2823-3").counters().stream().mapToDouble(c -> c.count()).sum() >= before + 2);
        // the correction (same order, OBX-11 C) replaces the result and is forwarded
        send(result.replace("|P" + n + "-1|P|", "|P" + n + "-1-corr|P|").replace("||5.3|", "||4.9|")
                .replace("|H|||F|", "|N|||C|"));
        await().atMost(Duration.ofSeconds(30)).until(() -> disclosedTo(patient, "dr-lee").size() == 2);
        String correction = disclosedTo(patient, "dr-lee").get(1);
        assertThat(correction).startsWith("Observation/");
        Observation corrected = FHIR.newJsonParser().parseResource(Observation.class,
                text(getWithToken("/fhir/" + correction)));
        assertThat(corrected.getStatus()).isEqualTo(Observation.ObservationStatus.CORRECTED);
        assertThat(corrected.getMeta().getVersionId()).isEqualTo("2");
        assertThat(FHIR.newJsonParser().parseResource(Bundle.class, text(getWithToken("/fhir/Observation?patient="
                + patient + "&code=http://loinc.org%7C2823-3"))).getTotal()).as("3.9 at first, then this one").isEqualTo(2);
    }

    @Test
    void aMessageTheEndpointRefusesGoesToTheDeadLetterQueueWithTheReason() throws Exception {
        int n = 306001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Practitioner/dr-wong", null))
                .statusCode()).isEqualTo(201);
        WEBHOOK.answer(400, null);
        try {
            send(Hl7Samples.potassium("QMH", "P" + n + "-1", n, "5.5", "H"));
            jms.setReceiveTimeout(30_000);
            jakarta.jms.Message dead = jms.receiveSelected(org.harbour.routes.StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                    "HarbourFailedRoute = 'deliver-dr-wong' AND HarbourPatientId = '" + patient + "'");
            assertThat(dead).isNotNull();
            assertThat(dead.getStringProperty(org.harbour.routes.Headers.FAILURE_REASON)).contains("RefusedException");
            assertThat(new String(seal.open(java.util.Base64.getDecoder().decode(dead.getStringProperty(
                    org.harbour.routes.Headers.FAILURE_DETAIL))), StandardCharsets.UTF_8))
                    .contains("webhook answered HTTP 400");
            // the delivery itself, sealed like every body on the broker
            Object body = seal.fromMessage(dead);
            assertThat((String) body).contains("\"recipient\":\"dr-wong\"", "\"patientId\":\"" + patient + "\"");
        } finally {
            WEBHOOK.answer(200, null);
        }
        assertThat(disclosedTo(patient, "dr-wong")).isEmpty();
    }

    @Test
    void anOrderRepeatingARecentResultAlertsTheOrderingDoctorOnly() throws Exception {
        int n = 307001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Organization/kwc-clinic", null))
                .statusCode()).isEqualTo(201);
        var counter = meters.counter("harbour.dedup.repeat.orders", "test", "2823-3", "facility", "QMH");
        double before = counter.count();
        send(Hl7Samples.order("QMH", "O" + n, n, "2823-3", "LN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> shownAbout(n).stream()
                .anyMatch(s -> s.text().contains("Repeat-test alert")));
        DingTalkRobotServer.Shown alert = shownAbout(n).stream().filter(s -> s.text().contains("Repeat-test alert"))
                .findFirst().orElseThrow();
        assertThat(alert.text()).contains("Repeat-test alert: Test 2823-3 3.9 mmol/L on 2026-11-22 at KWC"
                + " — repeat?", "sent to dr-chan");
        assertThat(counter.count()).isEqualTo(before + 1);
        String issues = text(getWithToken("/fhir/DetectedIssue?patient=" + patient));
        assertThat(issues).contains("\"total\":1", "\"code\":\"repeat-test\"", "\"severity\":\"moderate\"");
        // dr-ma works at the same clinic (the consent covers them) but did not order: no alert for them
        assertThat(disclosedTo(patient, "dr-ma")).isEmpty();
    }

    private List<String> disclosedTo(String patient, String recipient) {
        return audited(patient, "disclosed").stream().filter(e -> e.getAgent().stream().anyMatch(a -> a.getWho()
                .hasIdentifier() && recipient.equals(a.getWho().getIdentifier().getValue())))
                .map(e -> e.getEntity().get(1).getWhat().getReference()).toList();
    }

    @Test
    void aMisconfiguredRobotRaisesAnAlertAndIsNotRetried() throws Exception {
        int n = 305001;
        String patient = patient(n);
        assertThat(put("/fhir/Consent/c-" + n, consent("c-" + n, patient, "active", "Practitioner/dr-ma", null))
                .statusCode()).isEqualTo(201);
        send(Hl7Samples.potassium("KWC", "P" + n + "-1", n, "4.4", "N"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text(getWithToken("/api/recipients"))
                .contains("\"id\":\"dr-ma\",\"name\":\"馬醫生\",\"organization\":\"kwc-clinic\",\"endpointType\":\"dingtalk\","
                        + "\"disclosure\":\"minimum\",\"state\":\"misconfigured\""));
        int requests = WRONG_ROBOT.requests();
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertThat(WRONG_ROBOT.requests()).as("no retry storm").isEqualTo(requests).isEqualTo(1);
        assertThat(WRONG_ROBOT.answered()).containsExactly(310000);
        assertThat(meters.find("harbour.delivery.endpoint.misconfigured").tag("endpoint", "dr-ma").gauge().value())
                .isEqualTo(1.0);
        assertThat(audit.search(new AuditTrail.Query(null, null, List.of("endpoint-misconfigured"), null, null), 10, 0)
                .entries()).anySatisfy(e -> assertThat(e.getOutcomeDesc()).contains("dr-ma", "310000"));
        String listed = text(getWithToken("/api/recipients"));
        assertThat(listed).doesNotContain("SECwrong", "tok-ma", "access_token", "whsec-wong", "127.0.0.1");
    }
}
