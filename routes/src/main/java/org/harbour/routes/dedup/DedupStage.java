package org.harbour.routes.dedup;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedup step of the store stage, inside the record store's transaction (one commit for
 * both): results that repeat stored ones are left out as the record store writes
 * ({@link #repeatsFor}); then the message's results join the patient's lab history, its open
 * orders are checked against it, and each repeat order becomes a stored DetectedIssue that is
 * published with the rest (so it is forwarded, under consent, to the ordering doctor).
 * Counted per test and facility: {@code harbour.dedup.repeat.orders} and
 * {@code harbour.dedup.repeated.results}.
 */
public class DedupStage {

    private static final Logger LOG = LoggerFactory.getLogger(DedupStage.class);

    private final RepeatTests tests;
    private final LabHistory history;
    private final TestIdentity identity;
    private final RecordStore records;
    private final MeterRegistry meters;
    private final Clock clock;

    public DedupStage(RepeatTests tests, LabHistory history, TestIdentity identity, RecordStore records,
            MeterRegistry meters, Clock clock) {
        this.tests = tests;
        this.history = history;
        this.identity = identity;
        this.records = records;
        this.meters = meters;
        this.clock = clock;
    }

    /** What the record store leaves out of a message from this facility: results already stored. */
    public ResultRepeats repeatsFor(String facility) {
        return new ResultRepeats(tests, history, facility, clock.instant());
    }

    /** The repeat-order alerts a stored message raised, as stored. */
    public record Alerts(List<RepeatTests.Repeat> repeats, RecordStore.Stored stored) {
    }

    /** In the caller's transaction: history, repeat-order check, alerts stored; null when there are none. */
    public Alerts check(String patientId, String facility, RecordStore.Stored stored, String messageId) {
        return check(patientId, facility, stored, messageId, null);
    }

    /** The same, with the history {@code found} read while the record store looked for repeats. */
    public Alerts check(String patientId, String facility, RecordStore.Stored stored, String messageId,
            ResultRepeats found) {
        if (patientId == null) {
            return null;
        }
        List<RepeatTests.Repeat> repeats = tests.check(patientId, facility, stored.resources(), stored.earlier(),
                clock.instant(), found == null ? null : found.lookupFor(patientId));
        if (repeats.isEmpty()) {
            return null;
        }
        Bundle issues = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (RepeatTests.Repeat repeat : repeats) {
            String ref = "DetectedIssue/" + repeat.issue().getIdElement().getIdPart();
            issues.addEntry().setFullUrl(ref).setResource(repeat.issue()).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(ref);
        }
        LOG.debug("Message {}: {} repeated-test alerts", messageId, repeats.size());
        return new Alerts(repeats, records.store(issues, messageId));
    }

    /** After the commit: counts the repeated results left out and the alerts raised (not again on a redelivery). */
    public void count(RecordStore.Stored stored, Alerts alerts, String facility, boolean redelivered) {
        if (redelivered) {
            return;
        }
        String where = facility == null ? "unknown" : facility;
        Map<String, Resource> byRef = new java.util.HashMap<>();
        for (Resource r : stored.resources()) {
            byRef.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
        }
        for (Map.Entry<String, String> repeat : stored.repeats().entrySet()) {
            if (repeat.getKey().startsWith("Observation/") && stored.earlier().contains(repeat.getValue())
                    && byRef.get(repeat.getValue()) instanceof Observation o) {
                TestIdentity.Test test = identity.of(o.getCode(), facility);
                meters.counter("harbour.dedup.repeated.results", "test", test == null ? "unknown" : test.code(),
                        "facility", where).increment();
            }
        }
        if (alerts != null) {
            for (RepeatTests.Repeat repeat : alerts.repeats()) {
                if (!alerts.stored().earlier().contains("DetectedIssue/" + repeat.issue().getIdElement().getIdPart())) {
                    meters.counter("harbour.dedup.repeat.orders", "test", repeat.test().code(), "facility", where)
                            .increment();
                }
            }
        }
    }
}
