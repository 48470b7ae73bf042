package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.routes.Acks;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.HubTestSupport;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Round trip through the running hub: MLLP in, FHIR out by HKID, from two institutions. */
class FhirApiTest extends HubTestSupport {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Autowired
    private JdbcTemplate jdbc;

    private void send(String message) throws Exception {
        try (MllpClient client = connect()) {
            assertThat(Acks.parse(client.send(Hl7Samples.utf8(message))).code()).isEqualTo("AA");
        }
    }

    private Bundle search(String query) {
        HttpResponse<byte[]> response = getWithToken("/fhir/" + query);
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/fhir+json");
        return FHIR.newJsonParser().parseResource(Bundle.class, text(response));
    }

    private static String hkid(String value) {
        return "identifier=" + URLEncoder.encode("urn:harbour:id:hkid|" + value, StandardCharsets.UTF_8);
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.harbour.routes.support.BrokerSeal seal;

    @Test
    void resultsFromTwoInstitutionsMeetUnderOneHubPatientFoundByHkid() throws Exception {
        String clinic = uniqueSender("FHIRA");
        String hospital = uniqueSender("FHIRB");
        String hkid = "Z6832041";
        // a clinic's HbA1c and a hospital's admission for the same person (same valid HKID)
        send(Hl7Samples.oru(clinic, "FA-1", "UNICODE UTF-8").replace("A1234563", hkid));
        send(Hl7Samples.adt(hospital, "FB-1").replace("G123456A", hkid));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Patient?" + hkid(hkid)).getTotal() == 1
                && ((Patient) search("Patient?" + hkid(hkid)).getEntryFirstRep().getResource()).getIdentifier().stream()
                        .map(Identifier::getValue).toList().containsAll(List.of("KWC-000123", "QEH-778899")));
        Patient patient = (Patient) search("Patient?" + hkid(hkid)).getEntryFirstRep().getResource();
        String id = patient.getIdElement().getIdPart();

        Bundle observations = search("Observation?patient=Patient/" + id + "&code="
                + URLEncoder.encode("http://loinc.org|4548-4", StandardCharsets.UTF_8));
        assertThat(observations.getTotal()).isEqualTo(1);
        Observation hba1c = (Observation) observations.getEntryFirstRep().getResource();
        assertThat(hba1c.getValueQuantity().getValue()).isEqualByComparingTo("8.1");
        assertThat(hba1c.getSubject().getReference()).isEqualTo("Patient/" + id);
        assertThat(search("DiagnosticReport?patient=" + id).getTotal()).isEqualTo(1);
        assertThat(search("Encounter?patient=" + id).getTotal()).isEqualTo(2);

        HttpResponse<byte[]> read = getWithToken("/fhir/Patient/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> history = getWithToken("/fhir/Patient/" + id + "/_history");
        Bundle versions = FHIR.newJsonParser().parseResource(Bundle.class, text(history));
        assertThat(versions.getTotal()).isGreaterThanOrEqualTo(2);
        assertThat(getWithToken("/fhir/Patient/" + id + "/_history/1").statusCode()).isEqualTo(200);
    }

    private static String pushedOrder(String hkid, String orderId) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"identifier\":{\"value\":\"" + orderId + "\"},"
                + "\"entry\":[{\"fullUrl\":\"urn:uuid:5b0c1f7e-0000-4000-8000-000000000001\",\"resource\":"
                + "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:harbour:id:hkid\",\"value\":\"" + hkid
                + "\"}],\"name\":[{\"family\":\"陳\",\"given\":[\"大文\"]}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
                + "{\"fullUrl\":\"urn:uuid:5b0c1f7e-0000-4000-8000-000000000002\",\"resource\":{\"resourceType\":"
                + "\"ServiceRequest\",\"id\":\"" + orderId + "\",\"status\":\"active\",\"intent\":\"order\",\"code\":"
                + "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2823-3\"}]},\"subject\":{\"reference\":"
                + "\"urn:uuid:5b0c1f7e-0000-4000-8000-000000000001\"}},\"request\":{\"method\":\"PUT\",\"url\":"
                + "\"ServiceRequest/" + orderId + "\"}}]}";
    }

    @Test
    void aServiceRequestPushedOverFhirForARecentTestRaisesARepeatAlert() throws Exception {
        String hkid = Hl7Samples.hkidOf(990001);
        send(Hl7Samples.potassium(uniqueSender("FHIRK"), "FK-1", 990001, "4.0", "N"));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Patient?" + hkid(hkid)).getTotal() == 1);
        String patient = search("Patient?" + hkid(hkid)).getEntryFirstRep().getResource().getIdElement().getIdPart();

        HttpResponse<String> pushed = sendJson("POST", "/fhir", pushedOrder(hkid, "clinic-order-1"));
        assertThat(pushed.statusCode()).isEqualTo(202);
        assertThat(pushed.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/api/messages/"));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("DetectedIssue?patient=" + patient).getTotal() == 1);
        DetectedIssue issue = (DetectedIssue) search("DetectedIssue?patient=" + patient).getEntryFirstRep().getResource();
        assertThat(issue.getDetail()).contains("4 mmol/L", "— repeat?");
        String order = issue.getImplicated().get(issue.getImplicated().size() - 1).getReference();
        assertThat(order).startsWith("ServiceRequest/");
        ServiceRequest stored = FHIR.newJsonParser().parseResource(ServiceRequest.class, text(getWithToken("/fhir/" + order)));
        assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + patient);
        // the pushed Bundle is kept as received, like an HL7 v2 message
        String id = pushed.headers().firstValue("Location").orElseThrow().substring("/api/messages/".length());
        assertThat(text(getWithToken("/api/messages/" + id + "/raw"))).contains("clinic-order-1");
    }

    @Test
    void aPushedBundleThatCannotBeTakenIsRefusedWithEveryReason() {
        HttpResponse<String> refused = sendJson("POST", "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                + "\"entry\":[{\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}");
        assertThat(refused.statusCode()).isEqualTo(400);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
        assertThat(outcome.getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .anySatisfy(d -> assertThat(d).contains("transaction or batch"))
                .anySatisfy(d -> assertThat(d).contains("Bundle.entry[0]: no resource"));
        assertThat(sendJson("POST", "/fhir", "not json").statusCode()).isEqualTo(400);
    }

    @Test
    void aConsentPushedInABundleIsRefusedAndNothingIsDisclosedUnderIt() throws Exception {
        String hkid = Hl7Samples.hkidOf(990002);
        send(Hl7Samples.potassium(uniqueSender("FHIRC"), "FKC-1", 990002, "4.1", "N"));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Patient?" + hkid(hkid)).getTotal() == 1);
        String patient = search("Patient?" + hkid(hkid)).getEntryFirstRep().getResource().getIdElement().getIdPart();

        HttpResponse<String> refused = sendJson("POST", "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"batch\","
                + "\"entry\":[{\"resource\":{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":"
                + "[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
                + "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}],"
                + "\"patient\":{\"reference\":\"Patient/" + patient + "\"},\"provision\":{\"type\":\"permit\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}}]}");

        assertThat(refused.statusCode()).isEqualTo(400);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("POST /fhir/Consent");
        awaitInboundDrained();
        // no consent exists for the patient, so there is none to disclose anything under
        assertThat(search("Consent?patient=" + patient).getTotal()).isZero();
    }

    @Test
    void payloadsAndIdentifiersAreEncryptedAtRest() throws Exception {
        String sender = uniqueSender("FHIRC");
        send(Hl7Samples.oru(sender, "FC-1", "UNICODE UTF-8").replace("A1234563", "Y1234569"));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Patient?" + hkid("Y1234569")).getTotal() == 1);
        List<byte[]> payloads = jdbc.query("SELECT payload FROM fhir_resource WHERE resource_type = 'Patient'",
                (rs, n) -> rs.getBytes(1));
        assertThat(payloads).isNotEmpty().allSatisfy(p -> {
            String asText = new String(p, StandardCharsets.UTF_8);
            assertThat(asText).doesNotContain("Y1234569").doesNotContain("陳").doesNotContain("resourceType");
        });
        assertThat(jdbc.queryForList("SELECT token FROM fhir_token WHERE param = 'identifier'", String.class))
                .noneMatch(t -> t.contains("Y1234569"));
    }

    @Test
    void anA40MergeMovesThePriorPatientsRecordsToTheSurvivor() throws Exception {
        String sender = uniqueSender("FHIRM");
        // a result filed under an old MRN only (no HKID), then the hospital merges it into the HKID record
        send(Hl7Samples.oru(sender, "FM-1", "UNICODE UTF-8").replace("~A1234563^^^HKID^NNHKG", "")
                .replace("KWC-000123", "OLD-77"));
        send(Hl7Samples.adt(sender, "FM-2").replace("G123456A", "W1234563").replace("QEH-778899", "NEW-88"));
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Patient?" + hkid("W1234563")).getTotal() == 1
                && search("Patient?identifier=" + URLEncoder.encode("urn:harbour:id:" + sender.toLowerCase() + "|OLD-77",
                        StandardCharsets.UTF_8)).getTotal() == 1);
        String survivor = search("Patient?" + hkid("W1234563")).getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertThat(search("Observation?patient=" + survivor).getTotal()).isZero();
        send("MSH|^~\\&|PAS|" + sender + "|HARBOUR|HUB|20261124110000+0800||ADT^A40^ADT_A39|FM-3|P|2.5\r"
                + "EVN|A40|20261124105900+0800\r"
                + "PID|1||NEW-88^^^" + sender + "^MR~W1234563^^^HKID^NNHKG||黃^美玲^^^^^L||19751231|F\r"
                + "MRG|OLD-77^^^" + sender + "^MR\r");
        await().atMost(Duration.ofSeconds(30)).until(() -> search("Observation?patient=" + survivor).getTotal() == 1);
        Patient prior = (Patient) search("Patient?identifier=" + URLEncoder.encode("urn:harbour:id:" + sender.toLowerCase()
                + "|OLD-77", StandardCharsets.UTF_8)).getEntryFirstRep().getResource();
        if (!prior.getIdElement().getIdPart().equals(survivor)) {
            assertThat(prior.getActive()).isFalse();
            assertThat(prior.getLinkFirstRep().getOther().getReference()).isEqualTo("Patient/" + survivor);
        }
    }

    @Test
    void operatorsSeeTheTranslationOutcomeAndTheConversionReport() throws Exception {
        String sender = uniqueSender("FHIRR");
        send(Hl7Samples.adt(sender, "FR-1") + "ZHK|1|local extension data\r");
        await().atMost(Duration.ofSeconds(30)).until(() -> !storedFrom(sender).isEmpty()
                && "TRANSLATED".equals(storedFrom(sender).get(0).translation()));
        var message = storedFrom(sender).get(0);
        assertThat(message.resources()).isGreaterThan(3);
        HttpResponse<byte[]> report = getWithToken("/api/messages/" + message.id() + "/report");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(text(report)).startsWith("# message " + message.id() + " (ADT^A01, control id FR-1): stage STORED,"
                        + " translation TRANSLATED, " + message.resources() + " resources; ")
                .contains("Z-segment kept").contains("ZHK|1|local extension data");
        assertThat(text(getWithToken("/api/messages/" + message.id()))).contains("\"stage\":\"STORED\"");
        List<byte[]> stored = jdbc.query("SELECT report FROM message_report WHERE message_id = ?",
                (rs, n) -> rs.getBytes(1), message.id());
        assertThat(new String(stored.get(0), StandardCharsets.UTF_8)).doesNotContain("local extension data");
    }

    @Test
    void aCleanMessagesReportSaysSoWithItsCounts() throws Exception {
        String sender = uniqueSender("CLEAN");
        send(Hl7Samples.adt(sender, "CL-1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !storedFrom(sender).isEmpty()
                && storedFrom(sender).get(0).translation() != null);
        var message = storedFrom(sender).get(0);
        HttpResponse<String> json = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + httpPort + "/api/messages/" + message.id() + "/report"))
                .header("Authorization", "Bearer " + API_TOKEN).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.body());
        assertThat(summary.get("messageId").asText()).isEqualTo(message.id());
        assertThat(summary.get("stage").asText()).isEqualTo("STORED");
        assertThat(summary.get("resources").asInt()).isEqualTo(message.resources()).isPositive();
        int counted = summary.get("counts").get("error").asInt() + summary.get("counts").get("warning").asInt()
                + summary.get("counts").get("info").asInt();
        assertThat(summary.get("entries").size()).isEqualTo(counted);
        assertThat(summary.get("counts").get("error").asInt()).isZero();
        // not translated (rejected at ingest): a 404 that says why, not an empty body
        HttpResponse<byte[]> none = getWithToken("/api/messages/no-such-message/report");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(text(none)).contains("no message no-such-message");
    }

    @Autowired
    private jakarta.jms.ConnectionFactory connectionFactory;

    @Test
    void theStoredResourcesArePublishedOnHarbourRecords() throws Exception {
        String sender = uniqueSender("FHIRT");
        try (jakarta.jms.Connection connection = connectionFactory.createConnection()) {
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.MessageConsumer consumer = session.createConsumer(session.createTopic("harbour.records"),
                    org.harbour.routes.Headers.SENDER + " = '" + sender + "'");
            connection.start();
            send(Hl7Samples.oru(sender, "FT-1", "UNICODE UTF-8").replace("A1234563", "V1234560"));
            jakarta.jms.Message published = consumer.receive(30_000);
            assertThat(published).isNotNull();
            assertThat(published.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
            // sealed on the broker: ciphertext in the journal, the Bundle once opened with the record key
            assertThat(published.getStringProperty(org.harbour.routes.support.BrokerSeal.PROPERTY)).isNotNull();
            byte[] sealed = new byte[(int) ((jakarta.jms.BytesMessage) published).getBodyLength()];
            ((jakarta.jms.BytesMessage) published).readBytes(sealed);
            assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("resourceType");
            String json = new String(seal.open(sealed), java.nio.charset.StandardCharsets.UTF_8);
            Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, json);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
            Patient patient = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
            assertThat(published.getStringProperty(org.harbour.routes.Headers.PATIENT_ID))
                    .isEqualTo(patient.getIdElement().getIdPart());
            Observation hba1c = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(Observation.class::isInstance).map(Observation.class::cast).findFirst().orElseThrow();
            assertThat(hba1c.getSubject().getReference()).isEqualTo("Patient/" + patient.getIdElement().getIdPart());
            assertThat(hba1c.getMeta().getVersionId()).isEqualTo("1");
        }
    }

    @Test
    void paging() throws Exception {
        String sender = uniqueSender("FHIRP");
        for (int i = 1; i <= 3; i++) {
            // three results (values differ: the same value at the same time would be one result, sent three times)
            send(Hl7Samples.oru(sender, "FP-" + i, "UNICODE UTF-8").replace("A1234563", "X1234566")
                    .replace("||8.1|", "||" + (6 + i) + ".1|"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Bundle p = search("Patient?" + hkid("X1234566"));
            return p.getTotal() == 1 && search("Observation?patient="
                    + p.getEntryFirstRep().getResource().getIdElement().getIdPart()).getTotal() == 3;
        });
        String id = search("Patient?" + hkid("X1234566")).getEntryFirstRep().getResource().getIdElement().getIdPart();
        Bundle first = search("Observation?patient=" + id + "&_count=2");
        assertThat(first.getEntry()).hasSize(2);
        assertThat(first.getLink("next")).isNotNull();
        Bundle second = search(first.getLink("next").getUrl().substring("/fhir/".length()));
        assertThat(second.getEntry()).hasSize(1);
        assertThat(second.getLink("next")).isNull();
    }

    @Test
    void errorsAreOperationOutcomesAndTheApiNeedsTheToken() {
        HttpResponse<byte[]> missing = getWithToken("/fhir/Patient/no-such-id");
        assertThat(missing.statusCode()).isEqualTo(404);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, text(missing));
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.NOTFOUND);
        HttpResponse<byte[]> badParam = getWithToken("/fhir/Observation?colour=blue");
        assertThat(badParam.statusCode()).isEqualTo(400);
        assertThat(text(badParam)).contains("OperationOutcome").contains("colour");
        assertThat(getWithToken("/fhir/NoSuchType?patient=1").statusCode()).isEqualTo(404);
        assertThat(get("/fhir/Patient?identifier=x", null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> metadata = getWithToken("/fhir/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        CapabilityStatement cs = FHIR.newJsonParser().parseResource(CapabilityStatement.class, text(metadata));
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Patient", "Observation", "DiagnosticReport", "Encounter", "AllergyIntolerance",
                        "MedicationRequest", "Condition", "DocumentReference", "Immunization");
    }

    @Test
    void overlongIdsAreRefusedWith400BeforeAnyLookUp() {
        String id = "a".repeat(65);
        for (String path : List.of("/fhir/Patient/" + id, "/fhir/Observation/" + id + "/_history",
                "/fhir/Observation/" + id + "/_history/1", "/fhir/Observation?patient=" + id, "/fhir/AuditEvent?patient="
                        + id)) {
            HttpResponse<byte[]> response = getWithToken(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(text(response)).as(path).contains("OperationOutcome", "at most 64 characters");
        }
        assertThat(getWithToken("/fhir/Patient/" + "a".repeat(64)).statusCode()).isEqualTo(404);
    }

    @Test
    void anIdentifierSearchWithAnUnencodedBarIsTakenAsFhirClientsSendIt() throws Exception {
        String hkid = org.harbour.mappings.id.Hkid.complete("S", "123456");
        send(Hl7Samples.oru(uniqueSender("BAR"), "BAR-1", "UNICODE UTF-8").replace("A1234563", hkid));
        hubPatient(hkid);
        // java.net.URI will not send a raw '|': written on a socket, as curl and FHIR clients do
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
            socket.getOutputStream().write(("GET /fhir/Patient?identifier=urn:harbour:id:hkid|" + hkid + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + API_TOKEN + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Patient\"");
        }
    }

    @Test
    void aRequestLineTomcatRefusesIsNotLoggedWithItsQuery() throws Exception {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort)) {
            socket.getOutputStream().write(("GET /fhir/Patient?identifier={K9876543} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 400");
        } finally {
            root.detachAppender(logged);
        }
        assertThat(logged.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("K9876543"));
    }

    @Test
    void aBundleOverTheSizeLimitIsRefusedWith413() {
        // the limit is MLLP's (16 MB by default): a Bundle a byte over it is not taken
        StringBuilder big = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"id\":\"");
        big.append("x".repeat(17 * 1024 * 1024)).append("\"}");
        HttpResponse<String> response = sendJson("POST", "/fhir", big.toString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome", "larger than");
    }

    @Test
    void readsOfHistoryAndOfOneVersionAreAudited() throws Exception {
        String sender = uniqueSender("HIST");
        String hkid = org.harbour.mappings.id.Hkid.complete("H", "424242");
        send(Hl7Samples.oru(sender, "HIST-1", "UNICODE UTF-8").replace("A1234563", hkid));
        String patient = hubPatient(hkid);
        assertThat(getWithToken("/fhir/Patient/" + patient + "/_history").statusCode()).isEqualTo(200);
        assertThat(getWithToken("/fhir/Patient/" + patient + "/_history/1").statusCode()).isEqualTo(200);
        org.harbour.routes.audit.AuditTrail.Page reads = audit.search(new org.harbour.routes.audit.AuditTrail.Query(
                patient, null, List.of("history-instance", "vread"), null, null), 50, 0);
        assertThat(reads.entries()).extracting(e -> e.getSubtypeFirstRep().getCode())
                .contains("history-instance", "vread");
        // and the identifier search that found the patient keeps a keyed hash, not the HKID
        org.harbour.routes.audit.AuditTrail.Page searches = audit.search(new org.harbour.routes.audit.AuditTrail.Query(
                patient, null, List.of("search-type"), null, null), 50, 0);
        assertThat(searches.entries()).isNotEmpty().allSatisfy(e -> assertThat(FHIR.newJsonParser()
                .encodeResourceToString(e)).doesNotContain(hkid).contains("identifier=#"));
    }

    @Test
    void theMessageStoresSearchesAndDetailsAreAudited() throws Exception {
        String sender = uniqueSender("MSGA");
        send(Hl7Samples.oru(sender, "MSGA-1", "UNICODE UTF-8"));
        awaitStored(sender, 1);
        String id = storedFrom(sender).get(0).id();
        assertThat(getWithToken("/api/messages?sender=" + sender).statusCode()).isEqualTo(200);
        assertThat(getWithToken("/api/messages/" + id).statusCode()).isEqualTo(200);
        // the newest entries of the shared hub's token (oldest first: the last page)
        org.harbour.routes.audit.AuditTrail.Query query = new org.harbour.routes.audit.AuditTrail.Query(null,
                "api-token", List.of("search-type", "read"), null, null);
        long total = audit.search(query, 0, 0).total();
        List<String> what = audit.search(query, 50, (int) Math.max(0, total - 50)).entries().stream()
                .map(e -> e.getEntityFirstRep().getWhat().getDisplay()).toList();
        assertThat(what).contains("Message?sender=" + sender + "&page=0&size=50", "Message/" + id);
    }

    @org.springframework.beans.factory.annotation.Autowired
    private org.harbour.routes.audit.AuditTrail audit;
}
