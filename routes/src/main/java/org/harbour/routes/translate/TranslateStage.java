package org.harbour.routes.translate;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.harbour.connectors.mllp.LogSafe;
import org.harbour.mappings.fhir.Conversion;
import org.harbour.mappings.fhir.ConversionReport;
import org.harbour.mappings.fhir.FhirBundleIntake;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Headers;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.dedup.DedupStage;
import org.harbour.routes.store.StoreOutcome;
import org.harbour.routes.ingest.InboundGate;
import org.harbour.routes.store.InboundMessage;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.records.RecordStore;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.support.GroupCommit;
import org.springframework.transaction.support.TransactionTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a message taken from harbour.inbound to FHIR R4; records the message in the message
 * store (once), writes its resources to the record store (patient linked, references resolved,
 * versions kept) and records the outcome and the (encrypted) conversion report with the message,
 * all in one transaction; and leaves the stored resources as a collection Bundle in the body for
 * harbour.records. A message type without a mapping is still stored raw and its generic
 * resources kept; its outcome says UNMAPPED.
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
    private final io.micrometer.core.instrument.Counter storedCount;
    private final io.micrometer.core.instrument.Counter duplicateCount;
    private final io.micrometer.core.instrument.Counter collisionCount;
    private final io.micrometer.core.instrument.Counter staleCount;
    private final org.harbour.routes.records.PublishedBundles published;

    /**
     * Translation runs in the consumers' threads, in parallel; the writes go through one group
     * committer, so concurrent messages about the same patient never race for the same rows and
     * share database transactions.
     */
    public TranslateStage(V2ToFhir translator, RecordStore records, MessageStore messages, RecordCipher cipher,
            MeterRegistry meters, AuditTrail audit, DedupStage dedup, TransactionTemplate tx, int writers,
            Duration timeout, Duration linger, org.harbour.routes.records.PublishedBundles published) {
        this.published = published;
        this.audit = audit;
        this.dedup = dedup;
        this.translator = translator;
        this.intake = new FhirBundleIntake(records.fhirContext());
        this.records = records;
        this.messages = messages;
        this.cipher = cipher;
        this.meters = meters;
        this.storedCount = meters.counter("harbour.store.messages", "outcome", "stored");
        this.duplicateCount = meters.counter("harbour.store.messages", "outcome", "duplicate");
        this.collisionCount = meters.counter("harbour.store.messages", "outcome", "collision");
        this.staleCount = meters.counter("harbour.store.stale.versions");
        // several writers: record stores of different messages commit side by side; the same resource is row-locked
        this.commits = new GroupCommit<>("records", writers, 0, 64, 32L << 20, t -> t.weight(), timeout, linger,
                true, batch -> tx.execute(status -> {
                    // each message recorded in the message store (once), then its records: one commit for all
                    List<MessageStore.Recorded> outcomes = messages.storeAccepted(
                            batch.stream().map(Translated::message).toList());
                    List<Written> written = new java.util.ArrayList<>();
                    // the entries commit with what they describe, in order: received, translated, stored
                    List<org.hl7.fhir.r4.model.AuditEvent> entries = new java.util.ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        Translated t = batch.get(i);
                        InboundMessage m = t.message();
                        MessageStore.Recorded recorded = outcomes.get(i);
                        StoreOutcome outcome = recorded.outcome();
                        if (outcome == StoreOutcome.STORED || outcome == StoreOutcome.COLLISION) {
                            entries.add(AuditEvents.messageReceived(m.id(), m.controlId(), m.sender(), m.remoteAddress(),
                                    m.messageType()));
                        }
                        if (outcome == StoreOutcome.COLLISION) {
                            entries.add(AuditEvents.controlIdCollision(m.id(), m.controlId(), m.sender(),
                                    m.remoteAddress(), m.messageType(), recorded.collidesWith()));
                        }
                        if (outcome != StoreOutcome.DUPLICATE && t.bundle() == null) {
                            messages.recordTranslation(m.id(), FAILED, 0, t.report());
                            entries.add(AuditEvents.messageRejected(m.id(), m.controlId(), m.sender(), m.remoteAddress(),
                                    "stored untranslated: the translator failed (" + t.failure() + ")"));
                        }
                        if (outcome == StoreOutcome.DUPLICATE || t.bundle() == null) {
                            written.add(new Written(outcome, null, null));
                            continue;
                        }
                        if (recorded.variant() > 0 && !recorded.variantName().equals(t.variant())
                                && !FhirBundleIntake.MESSAGE_TYPE.equals(m.messageType())) {
                            // a control-id collision: what belongs to the message gets ids of its own
                            t = translated(m, translator.convert(m.raw(), recorded.variantName()),
                                    recorded.variantName());
                        }
                        Written w = write(t, outcome);
                        written.add(w);
                        entries.add(AuditEvents.messageTranslated(m.id(), m.controlId(), m.sender(),
                                w.stored().patientId(), t.outcome(), w.stored().references().size()));
                        entries.add(AuditEvents.recordsStored(m.id(), m.controlId(), m.sender(), w.stored().patientId(),
                                w.stored().written()));
                    }
                    audit.appendInTransaction(entries);
                    return written;
                }));
    }

    /** A received message, translated (or, when its translation failed, not: bundle null), waiting to be written. */
    private record Translated(InboundMessage message, Bundle bundle, String outcome, byte[] report, long weight,
            String variant, int warnings, String failure) {
    }

    /**
     * What writing it did: what the message store did with the message, and (unless it was a
     * resend, or not translated) the records stored and the repeat-order alerts raised (or null).
     */
    private record Written(StoreOutcome outcome, RecordStore.Stored stored, DedupStage.Alerts alerts) {
    }

    /** In the batch's transaction: records (repeats left out), translation outcome, lab history and alerts. */
    private Written write(Translated t, StoreOutcome outcome) {
        String messageId = t.message().id();
        org.harbour.routes.dedup.ResultRepeats repeats = dedup.repeatsFor(t.message().sender());
        RecordStore.Stored stored = records.store(t.bundle(), messageId, repeats,
                new org.harbour.routes.records.Staleness.Source(t.message().sender(), messageTime(t.bundle())));
        if (stored.staleVersions() > 0) {
            staleCount.increment(stored.staleVersions());
            LOG.info("Message {} controlId={}: {} records older than the stored versions, kept as history only",
                    messageId, LogSafe.identifier(t.message().controlId()), stored.staleVersions());
        }
        messages.recordTranslation(messageId, t.outcome(), stored.references().size(), t.report());
        return new Written(outcome, stored, dedup.check(stored.patientId(), t.message().sender(), stored, messageId,
                repeats));
    }

    /** The message's own time (EVN-2, else MSH-7), as its Provenance records it; null when it has none. */
    private static java.time.Instant messageTime(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof org.hl7.fhir.r4.model.Provenance provenance && provenance.hasRecorded()
                    && provenance.getRecorded().getTime() > 0) {
                return provenance.getRecorded().toInstant();
            }
        }
        return null;
    }

    /** Header set here: what the message store did with the message (a {@link StoreOutcome} name). */
    public static final String OUTCOME = "HarbourStoreOutcome";
    /** Header set here: true when the stored records go on to harbour.records (not for a resend, nor untranslated). */
    public static final String PUBLISH = "HarbourPublish";
    /** The translation outcome of a message the translator could not read (kept, with the reason in its report). */
    public static final String FAILED = "FAILED";

    /**
     * Records the message taken from harbour.inbound in the message store (once) and its
     * translation in the record store, in one transaction (shared with other messages'), and
     * leaves the stored resources as a collection Bundle in the body for harbour.records. A resend
     * already stored is neither stored nor translated again ({@link #OUTCOME} DUPLICATE); a
     * redelivery of the same message is translated again (translation is idempotent). A message
     * whose translation fails is still recorded in the message store before the failure goes on
     * to the stage's error handling.
     */
    public void storeAndTranslate(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        InboundMessage message = InboundGate.inboundMessage(in);
        Translated translated;
        try {
            translated = translate(message);
        } catch (Exception e) {
            // the translator cannot read it: stored all the same, with the reason in its report, and not retried
            // (it would fail the same way); a fix to the translator, then a replay, brings its records
            translated = untranslated(message, e);
        }
        String messageId = message.id();
        String sender = message.sender();
        Written written = commits.submit(translated);
        in.setHeader(OUTCOME, written.outcome().name());
        count(written.outcome());
        in.setHeader(PUBLISH, written.outcome() != StoreOutcome.DUPLICATE && translated.bundle() != null);
        if (translated.bundle() == null) {
            meters.counter("harbour.translate.messages", "outcome", FAILED).increment();
            if (written.outcome() != StoreOutcome.DUPLICATE) {
                LOG.warn("Message {} controlId={} could not be translated ({}); stored untranslated, the reason in its"
                        + " report", messageId, LogSafe.identifier(message.controlId()), translated.failure());
            }
            return;
        }
        if (written.outcome() == StoreOutcome.DUPLICATE) {
            LOG.debug("Message {} controlId={} DUPLICATE", messageId, message.controlId());
            return;
        }
        RecordStore.Stored stored = written.stored();
        String outcome = translated.outcome();
        meters.counter("harbour.translate.messages", "outcome", outcome).increment();
        meters.counter("harbour.translate.report.warnings").increment(translated.warnings());
        dedup.count(stored, written.alerts(), sender, written.outcome() == StoreOutcome.REDELIVERED);
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
        LOG.debug("Message {} controlId={} {}, {}: {} resources, {} written", messageId, message.controlId(),
                written.outcome(), outcome, stored.references().size(), stored.written());
    }

    private void count(StoreOutcome outcome) {
        if (outcome == StoreOutcome.STORED || outcome == StoreOutcome.COLLISION) {
            storedCount.increment();
        } else if (outcome == StoreOutcome.DUPLICATE) {
            duplicateCount.increment();
        }
        if (outcome == StoreOutcome.COLLISION) {
            collisionCount.increment();
        }
    }

    /**
     * Translates a message (HL7 v2, or a FHIR Bundle from the API) and encrypts its report.
     */
    private Translated translate(InboundMessage message) throws FhirBundleIntake.RefusedException {
        return FhirBundleIntake.MESSAGE_TYPE.equals(message.messageType())
                ? translated(message, intake.convert(message.raw(), message.sender(), message.controlId()), null)
                : translated(message, translator.convert(message.raw()), null);
    }

    private Translated translated(InboundMessage message, Conversion conversion, String variant) {
        String report = conversion.report().entries().stream().map(ConversionReport.Entry::toString)
                .collect(Collectors.joining("\n"));
        return new Translated(message, conversion.bundle(), conversion.mapped() ? "TRANSLATED" : "UNMAPPED",
                cipher.encrypt(report.getBytes(StandardCharsets.UTF_8), "message-report/" + message.id()),
                message.raw().length, variant,
                conversion.report().entries(ConversionReport.Severity.WARNING).size(), null);
    }

    /**
     * A message the translator threw on: no records, its report the reason (encrypted: a parser's
     * message may quote the content). The log and the audit trail name only the exception's class.
     */
    private Translated untranslated(InboundMessage message, Exception e) {
        String report = "ERROR translation failed: " + e;
        return new Translated(message, null, FAILED,
                cipher.encrypt(report.getBytes(StandardCharsets.UTF_8), "message-report/" + message.id()),
                message.raw().length, null, 0, e.getClass().getName());
    }

    @Override
    public void close() {
        commits.close();
    }
}
