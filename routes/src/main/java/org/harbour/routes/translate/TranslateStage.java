package org.harbour.routes.translate;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.harbour.mappings.fhir.Conversion;
import org.harbour.mappings.fhir.ConversionReport;
import org.harbour.mappings.fhir.FhirBundleIntake;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Headers;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.dedup.DedupStage;
import org.harbour.routes.store.StoreOutcome;
import org.harbour.routes.store.StoreStage;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.records.RecordStore;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.support.GroupCommit;
import org.springframework.transaction.support.TransactionTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a stored message to FHIR R4, writes the resources to the record store (patient
 * linked, references resolved, versions kept), records the outcome and the (encrypted)
 * conversion report with the message, and leaves the stored resources as a collection Bundle
 * in the body for harbour.records. A message type without a mapping is still stored raw and
 * its generic resources kept; its outcome says UNMAPPED.
 */
public class TranslateStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TranslateStage.class);

    private final V2ToFhir translator;
    private final FhirBundleIntake intake;
    private final RecordStore records;
    private final MessageStore messages;
    private final RecordCipher cipher;
    private final MeterRegistry meters;
    private final GroupCommit<Translated, Written> commits;
    private final AuditTrail audit;
    private final DedupStage dedup;
    private final org.harbour.routes.records.PublishedBundles published;

    /**
     * Translation runs in the consumers' threads, in parallel; the writes go through one group
     * committer, so concurrent messages about the same patient never race for the same rows and
     * share database transactions.
     */
    public TranslateStage(V2ToFhir translator, RecordStore records, MessageStore messages, RecordCipher cipher,
            MeterRegistry meters, AuditTrail audit, DedupStage dedup, TransactionTemplate tx, int writers,
            Duration timeout, org.harbour.routes.records.PublishedBundles published) {
        this.published = published;
        this.audit = audit;
        this.dedup = dedup;
        this.translator = translator;
        this.intake = new FhirBundleIntake(records.fhirContext());
        this.records = records;
        this.messages = messages;
        this.cipher = cipher;
        this.meters = meters;
        // several writers: record stores of different messages commit side by side; the same resource is row-locked
        this.commits = new GroupCommit<>("records", writers, 64, 32L << 20, t -> t.weight(), timeout,
                batch -> tx.execute(status -> {
                    List<Written> written = batch.stream().map(this::write).toList();
                    // the entries commit with the records they describe (one commit for both)
                    List<org.hl7.fhir.r4.model.AuditEvent> entries = new java.util.ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        Translated t = batch.get(i);
                        RecordStore.Stored stored = written.get(i).stored();
                        entries.add(AuditEvents.messageTranslated(t.messageId(), t.controlId(), t.facility(),
                                stored.patientId(), t.outcome(), stored.references().size()));
                        entries.add(AuditEvents.recordsStored(t.messageId(), t.controlId(), t.facility(),
                                stored.patientId(), stored.written()));
                    }
                    audit.appendInTransaction(entries);
                    return written;
                }));
    }

    /** A translated message waiting to be written. */
    private record Translated(Bundle bundle, String messageId, String controlId, String facility, String outcome,
            byte[] report, long weight) {
    }

    /** What writing it did: the records stored, and the repeat-order alerts it raised (or null). */
    private record Written(RecordStore.Stored stored, DedupStage.Alerts alerts) {
    }

    /** In the batch's transaction: records (repeats left out), translation outcome, lab history and alerts. */
    private Written write(Translated t) {
        org.harbour.routes.dedup.ResultRepeats repeats = dedup.repeatsFor(t.facility());
        RecordStore.Stored stored = records.store(t.bundle(), t.messageId(), repeats);
        messages.recordTranslation(t.messageId(), t.outcome(), stored.references().size(), t.report());
        return new Written(stored, dedup.check(stored.patientId(), t.facility(), stored, t.messageId(), repeats));
    }

    public void translate(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        Conversion conversion = FhirBundleIntake.MESSAGE_TYPE.equals(in.getHeader(Headers.MESSAGE_TYPE))
                ? intake.convert(in.getBody(byte[].class), in.getHeader(Headers.SENDER, String.class),
                        in.getHeader(Headers.CONTROL_ID, String.class))
                : translator.convert(in.getBody(byte[].class));
        String report = conversion.report().entries().stream().map(ConversionReport.Entry::toString)
                .collect(Collectors.joining("\n"));
        String outcome = conversion.mapped() ? "TRANSLATED" : "UNMAPPED";
        String sender = in.getHeader(Headers.SENDER, String.class);
        String controlId = in.getHeader(Headers.CONTROL_ID, String.class);
        Written written = commits.submit(new Translated(conversion.bundle(), messageId, controlId, sender, outcome,
                cipher.encrypt(report.getBytes(StandardCharsets.UTF_8), "message-report/" + messageId),
                in.getBody(byte[].class).length));
        RecordStore.Stored stored = written.stored();
        meters.counter("harbour.translate.messages", "outcome", outcome).increment();
        meters.counter("harbour.translate.report.warnings")
                .increment(conversion.report().entries(ConversionReport.Severity.WARNING).size());
        dedup.count(stored, written.alerts(), sender,
                StoreOutcome.REDELIVERED.name().equals(in.getHeader(StoreStage.OUTCOME)));
        // a collection Bundle of the stored resources (and alerts), assembled from the JSON already written
        java.util.stream.Stream<String> json = written.alerts() == null ? stored.json().stream()
                : java.util.stream.Stream.concat(stored.json().stream(), written.alerts().stored().json().stream());
        String body = json.map(j -> "{\"resource\":" + j + "}")
                .collect(Collectors.joining(",", "{\"resourceType\":\"Bundle\",\"id\":\"" + messageId
                        + "\",\"type\":\"collection\",\"entry\":[", "]}"));
        in.setBody(body);
        // the same resources, decoded, for this hub's disclose stage (used only if it receives this very text)
        published.published(messageId, body, written.alerts() == null ? stored.resources()
                : java.util.stream.Stream.concat(stored.resources().stream(),
                        written.alerts().stored().resources().stream()).toList());
        if (stored.patientId() != null) {
            in.setHeader(Headers.PATIENT_ID, stored.patientId());
        }
        // records an earlier message brought (unchanged, or repeated here): published for context, not disclosed again
        java.util.Set<String> earlier = new java.util.LinkedHashSet<>(stored.earlier());
        if (written.alerts() != null) {
            earlier.addAll(written.alerts().stored().earlier());
        }
        in.setHeader(Headers.EARLIER_RECORDS, String.join(",", earlier));
        LOG.debug("Message {} controlId={} {}: {} resources, {} written", messageId,
                in.getHeader(Headers.CONTROL_ID), outcome, stored.references().size(), stored.written());
    }

    @Override
    public void close() {
        commits.close();
    }
}
