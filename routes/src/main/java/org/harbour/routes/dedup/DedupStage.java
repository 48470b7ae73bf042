package org.harbour.routes.dedup;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.harbour.routes.Headers;
import org.harbour.routes.records.RecordStore;
import org.harbour.routes.translate.TranslateStage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dedup step of the store stage: the message's results join the patient's lab history, its
 * open orders are checked against it, and each repeat becomes a stored DetectedIssue added to
 * what is published on harbour.records (so it is forwarded, under consent, to the ordering
 * doctor). Counted per test and facility ({@code harbour.dedup.repeat.orders}).
 */
public class DedupStage {

    private static final Logger LOG = LoggerFactory.getLogger(DedupStage.class);

    private final RepeatTests tests;
    private final RecordStore records;
    private final FhirContext fhir;
    private final MeterRegistry meters;
    private final TransactionTemplate tx;
    private final Clock clock;

    public DedupStage(RepeatTests tests, RecordStore records, FhirContext fhir, MeterRegistry meters,
            TransactionTemplate tx, Clock clock) {
        this.tests = tests;
        this.records = records;
        this.fhir = fhir;
        this.meters = meters;
        this.tx = tx;
        this.clock = clock;
    }

    public void check(Exchange exchange) {
        Message in = exchange.getIn();
        String patientId = in.getHeader(Headers.PATIENT_ID, String.class);
        if (patientId == null) {
            return;
        }
        String facility = in.getHeader(Headers.SENDER, String.class);
        String body = in.getBody(String.class);
        @SuppressWarnings("unchecked")
        List<Resource> resources = exchange.getProperty(TranslateStage.STORED_RESOURCES, List.class);
        if (resources == null) {
            resources = fhir.newJsonParser().parseResource(Bundle.class, body).getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource).toList();
        }
        List<Resource> ofMessage = resources;
        List<RepeatTests.Repeat> repeats = tx.execute(s -> tests.check(patientId, facility, ofMessage, clock.instant()));
        if (repeats == null || repeats.isEmpty()) {
            return;
        }
        Bundle issues = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (RepeatTests.Repeat repeat : repeats) {
            String ref = "DetectedIssue/" + repeat.issue().getIdElement().getIdPart();
            issues.addEntry().setFullUrl(ref).setResource(repeat.issue()).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(ref);
            meters.counter("harbour.dedup.repeat.orders", "test", repeat.test().code(), "facility",
                    facility == null ? "unknown" : facility).increment();
        }
        RecordStore.Stored stored = records.store(issues, in.getHeader(Headers.MESSAGE_ID, String.class));
        StringBuilder added = new StringBuilder();
        for (String json : stored.json()) {
            added.append(",{\"resource\":").append(json).append('}');
        }
        boolean empty = body.endsWith("[]}");
        in.setBody(body.substring(0, body.length() - 2) + (empty ? added.substring(1) : added) + "]}");
        LOG.debug("Message {}: {} repeated-test alerts", in.getHeader(Headers.MESSAGE_ID), repeats.size());
    }
}
