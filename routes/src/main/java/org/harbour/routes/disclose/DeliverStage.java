package org.harbour.routes.disclose;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.SynchronizationAdapter;
import org.hl7.fhir.r4.model.AuditEvent;
import org.harbour.connectors.chat.ChatMessage;
import org.harbour.connectors.chat.SendResult;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.consent.ConsentPolicy;
import org.harbour.routes.consent.ConsentStore;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliver stage, one per recipient queue: waits while the endpoint is held back or
 * misconfigured, checks consent again (a revocation or a care-team change since the record was
 * queued withholds it), renders the minimum necessary, sends, and records the receipt and the
 * disclosure. A failure the service calls temporary is retried by the stage's error handling
 * (backoff, then the dead-letter queue); a misconfigured endpoint stops its deliveries and
 * alerts operators until resumed; a message the service refuses goes to the dead-letter queue.
 */
public class DeliverStage {

    private static final Logger LOG = LoggerFactory.getLogger(DeliverStage.class);

    /** A temporary failure: retry with backoff. */
    public static final class RetryLaterException extends Exception {
        public RetryLaterException(String reason) {
            super(reason);
        }
    }

    /** The service will never take this message: dead-letter it now. */
    public static final class RefusedException extends Exception {
        public RefusedException(String reason) {
            super(reason);
        }
    }

    private final Recipients recipients;
    private final EndpointStatus endpoints;
    private final ConsentStore consents;
    private final ConsentPolicy policy;
    private final RecordStore records;
    private final NotificationRenderer renderer;
    private final DeliveryReceipts receipts;
    private final AuditTrail audit;
    private final MeterRegistry meters;
    private final CamelContext camel;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final java.util.Map<String, FhirDestination> fhirDestinations = new java.util.concurrent.ConcurrentHashMap<>();
    private final PendingAcknowledgements acks = new PendingAcknowledgements(Duration.ofSeconds(120));

    public DeliverStage(Recipients recipients, EndpointStatus endpoints, ConsentStore consents, ConsentPolicy policy,
            RecordStore records, NotificationRenderer renderer, DeliveryReceipts receipts, AuditTrail audit,
            MeterRegistry meters, CamelContext camel, Clock clock) {
        this.recipients = recipients;
        this.endpoints = endpoints;
        this.consents = consents;
        this.policy = policy;
        this.records = records;
        this.renderer = renderer;
        this.receipts = receipts;
        this.audit = audit;
        this.meters = meters;
        this.camel = camel;
        this.clock = clock;
    }

    /** Exchange property: the commit of a delivery's receipt and audit entry, when not waited for. */
    private static final String COMMIT = "HarbourDeliveryCommit";
    private static final String TRACKED = "HarbourDeliveryTracked";

    /**
     * The connection factory for the recipients' queues: messages are acknowledged by this stage,
     * each once its delivery's receipt is committed ({@link DeferredAcknowledgements}).
     */
    public jakarta.jms.ConnectionFactory connectionFactory(jakarta.jms.ConnectionFactory broker) {
        return DeferredAcknowledgements.wrap(broker, acks);
    }

    public void deliver(Exchange exchange) throws Exception {
        OutboundDelivery d = json.readValue(exchange.getIn().getBody(String.class), OutboundDelivery.class);
        // from a recipient's queue (deferred acknowledgement): the next delivery does not wait for this one's commit
        boolean deferred = exchange.getIn() instanceof JmsMessage jms
                && jms.getJmsMessage() instanceof DeferredAcknowledgements.Deferred && jms.getJmsSession() != null;
        if (deferred && exchange.getProperty(TRACKED) == null) {
            exchange.setProperty(TRACKED, Boolean.TRUE);
            JmsMessage jms = (JmsMessage) exchange.getIn();
            jakarta.jms.Message message = DeferredAcknowledgements.acknowledgeable(jms.getJmsMessage());
            jakarta.jms.Session session = jms.getJmsSession();
            if (acks.failed(session)) {
                // an earlier receipt failed to commit: everything not acknowledged (this one too) comes again, in order
                LOG.info("Deliveries to {}: an earlier receipt was not committed; its queue is delivered again", d.recipient());
                session.recover();
                return;
            }
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    acks.done(session, message, done.getProperty(COMMIT, CompletableFuture.class));
                }
            });
            if (message.getJMSRedelivered() && !acks.awaitPending(session)) {
                throw new RetryLaterException("earlier receipts of " + d.recipient() + " are not committed yet");
            }
        }
        HarbourProperties.Recipient recipient = recipients.get(d.recipient());
        if (recipient == null) {
            withhold(d, null, d.records(), null, "deny: " + d.recipient() + " is no longer a configured recipient");
            return;
        }
        if (!endpoints.awaitUsable(d.recipient(), () -> camel.isStopping() || camel.isStopped())) {
            throw new RetryLaterException("the hub is stopping; the delivery stays queued");
        }
        if (receipts.delivered(d.id())) {
            LOG.debug("Delivery {} to {} was already accepted; not sent again", d.id(), d.recipient());
            meters.counter("harbour.delivery.already-delivered", "endpoint", d.recipient()).increment();
            return;
        }
        List<Consent> patientConsents = consents.consentsOf(d.patientId());
        List<Resource> current = new ArrayList<>();
        for (String ref : d.records()) {
            records.read(ref.substring(0, ref.indexOf('/')), ref.substring(ref.indexOf('/') + 1)).ifPresent(current::add);
        }
        DiscloseStage.Decided decided = DiscloseStage.decide(policy, patientConsents, d.recipient(), recipient, current,
                clock.instant());
        if (!decided.denied().isEmpty()) {
            withhold(d, recipient, decided.denied(), decided.denyingConsent(), decided.denyReason() + " (checked again at"
                    + " delivery)");
        }
        if (decided.permitted().isEmpty()) {
            return;
        }
        List<Resource> permitted = current.stream().filter(r -> decided.permitted().contains(r.fhirType() + "/"
                + r.getIdElement().getIdPart())).toList();
        Optional<Resource> patient = records.read("Patient", d.patientId());
        Patient who = patient.filter(Patient.class::isInstance).map(Patient.class::cast).orElse(null);
        String type = recipient.endpoint().type();
        SendResult result;
        if ("fhir".equalsIgnoreCase(type)) {
            // a FHIR server (a hospital's): the records themselves, and the patient, in one transaction
            result = fhirDestinations.computeIfAbsent(d.recipient(), k -> new FhirDestination(k, recipient.endpoint(),
                    camel, org.harbour.mappings.id.Hkid.SYSTEM)).send(who, permitted);
        } else if ("file".equalsIgnoreCase(type)) {
            // a folder another system collects HL7 v2 files from
            result = recipients.fileDestination(d.recipient()).send(d.id(), who, permitted);
        } else if (recipients.isSystem(d.recipient())) {
            // a system filing the records (a clinic EMR): the records themselves, as HL7 v2, with the patient's identity
            result = recipients.destination(d.recipient()).send(d.id(), who, permitted);
        } else {
            ChatMessage message = renderer.render(d.id(), d.recipient(), recipient.endpoint().disclosure(),
                    recipient.mentions(), who, permitted, clock.instant());
            result = recipients.sender(d.recipient()).send(message);
        }
        meters.counter("harbour.delivery.sends", "endpoint", d.recipient(), "outcome",
                result.getClass().getSimpleName()).increment();
        if (result instanceof SendResult.Delivered ok) {
            // the disclosure's audit entry and the receipt that stops a resend commit together (one commit)
            OutboundDelivery sent = new OutboundDelivery(d.id(), d.messageId(), d.recipient(), d.patientId(),
                    decided.permitted());
            AuditEvent disclosed = AuditEvents.recordDisclosure(true, d.recipient(), type, d.patientId(),
                    decided.permitted(), decided.permittingConsent(), "permit: " + decided.permittingConsent()
                            + ("fhir".equalsIgnoreCase(type) ? "; delivered to the FHIR server, " + ok.receipt()
                            : recipients.isSystem(d.recipient()) ? "; delivered as HL7 v2, " + ok.receipt()
                            : "; delivered (" + recipient.endpoint().disclosure() + "), HTTP " + ok.status()));
            Runnable receipt = () -> receipts.record(sent, type, ok.status(), ok.receipt());
            if (deferred) {
                exchange.setProperty(COMMIT, audit.recordWithLater(disclosed, receipt));
            } else {
                audit.recordWith(disclosed, receipt);
            }
            LOG.debug("Delivery {} to {} accepted", d.id(), d.recipient());
        } else if (result instanceof SendResult.RetryLater later) {
            if (later.notBefore() != null) {
                endpoints.holdUntil(d.recipient(), Instant.now(clock).plus(later.notBefore()));
            }
            throw new RetryLaterException(later.reason());
        } else if (result instanceof SendResult.Misconfigured wrong) {
            endpoints.misconfigured(d.recipient(), wrong.reason());
            LOG.error("Endpoint of recipient {} ({}) is misconfigured: {}. Its deliveries wait in {} until an operator"
                    + " fixes it and calls POST /api/recipients/{}/resume", d.recipient(), type, wrong.reason(),
                    Recipients.queueOf(d.recipient()), d.recipient());
            audit.record(AuditEvents.adminAction("harbour", "endpoint-misconfigured", "recipient " + d.recipient()
                    + " (" + type + "): " + wrong.reason() + "; deliveries held", false));
            throw new RetryLaterException(wrong.reason());
        } else {
            throw new RefusedException(((SendResult.Refused) result).reason());
        }
    }

    private void withhold(OutboundDelivery d, HarbourProperties.Recipient recipient, List<String> refs, String consent,
            String reason) throws Exception {
        audit.record(AuditEvents.recordDisclosure(false, d.recipient(), recipient == null ? null
                : recipient.endpoint().type(), d.patientId(), refs, consent, reason));
        meters.counter("harbour.delivery.withheld", "endpoint", d.recipient()).increment();
    }
}
