package org.harbour.routes.disclose;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.harbour.routes.Headers;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.consent.ConsentDecision;
import org.harbour.routes.consent.ConsentPolicy;
import org.harbour.routes.consent.ConsentStore;
import org.harbour.routes.consent.RecordKinds;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disclose stage: for each message's stored records (from topic harbour.records), asks the
 * patient's consents, recipient by recipient, which records may go. What may go becomes one
 * delivery on that recipient's queue; what may not is audited as withheld with the reason.
 * Default deny: without a permitting consent nothing leaves.
 */
public class DiscloseStage {

    private static final Logger LOG = LoggerFactory.getLogger(DiscloseStage.class);

    /** Header on each outgoing delivery: the recipient queue it goes to. */
    public static final String RECIPIENT = "HarbourRecipient";

    private final Recipients recipients;
    private final ConsentStore consents;
    private final ConsentPolicy policy;
    private final AuditTrail audit;
    private final FhirContext fhir;
    private final Clock clock;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final ObjectMapper json = new ObjectMapper();
    private final org.harbour.routes.records.PublishedBundles published;

    public DiscloseStage(Recipients recipients, ConsentStore consents, ConsentPolicy policy, AuditTrail audit,
            FhirContext fhir, Clock clock, io.micrometer.core.instrument.MeterRegistry meters,
            org.harbour.routes.records.PublishedBundles published) {
        this.published = published;
        this.meters = meters;
        this.recipients = recipients;
        this.consents = consents;
        this.policy = policy;
        this.audit = audit;
        this.fhir = fhir;
        this.clock = clock;
    }

    /** Sets the body to the deliveries to send (each a JSON string with its recipient header), maybe none. */
    public void disclose(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String messageId = in.getHeader(Headers.MESSAGE_ID, String.class);
        String patientId = in.getHeader(Headers.PATIENT_ID, String.class);
        List<Message> out = new ArrayList<>();
        if (patientId == null || recipients.all().isEmpty()) {
            in.setBody(out);
            return;
        }
        Bundle bundle = published.received(messageId, in.getBody(String.class),
                text -> fhir.newJsonParser().parseResource(Bundle.class, text));
        // what an earlier message brought was decided then; a resend or a repeat is not disclosed again
        String earlierHeader = in.getHeader(Headers.EARLIER_RECORDS, String.class);
        java.util.Set<String> earlier = earlierHeader == null || earlierHeader.isEmpty() ? java.util.Set.of()
                : new java.util.HashSet<>(java.util.Arrays.asList(earlierHeader.split(",")));
        List<Resource> records = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> RecordKinds.DISCLOSABLE.containsKey(r.fhirType()))
                .filter(r -> !earlier.contains(r.fhirType() + "/" + r.getIdElement().getIdPart())).toList();
        if (records.isEmpty()) {
            in.setBody(out);
            return;
        }
        Map<String, Resource> byRef = new java.util.HashMap<>();
        bundle.getEntry().forEach(e -> byRef.put(e.getResource().fhirType() + "/" + e.getResource().getIdElement()
                .getIdPart(), e.getResource()));
        List<Consent> patientConsents = consents.consentsOf(patientId);
        Instant now = clock.instant();
        List<AuditEvent> withheld = new ArrayList<>();
        String sender = in.getHeader(Headers.SENDER, String.class);
        for (Map.Entry<String, HarbourProperties.Recipient> r : recipients.all().entrySet()) {
            HarbourProperties.Filters filters = r.getValue().filters();
            if (!filters.takesFrom(sender)) {
                continue;
            }
            List<Resource> forThem = records.stream().filter(rec -> filters.takes(rec.fhirType()))
                    .filter(rec -> !(rec instanceof DetectedIssue issue)
                    || orderedBy(issue, byRef, r.getValue().identifiers())).toList();
            if (forThem.isEmpty()) {
                continue;
            }
            Decided decided = decide(policy, patientConsents, r.getKey(), r.getValue(), forThem, now);
            if (!decided.denied().isEmpty()) {
                withheld.add(AuditEvents.recordDisclosure(false, r.getKey(), r.getValue().endpoint().type(), patientId,
                        decided.denied(), decided.denyingConsent(), decided.denyReason()));
            }
            if (!decided.permitted().isEmpty()) {
                OutboundDelivery delivery = new OutboundDelivery(OutboundDelivery.idFor(messageId, r.getKey()), messageId,
                        r.getKey(), patientId, decided.permitted());
                // a new message, not a copy of the received JMS one: all its headers are replaced anyway
                Message m = new DefaultMessage(exchange);
                m.setHeaders(Map.of(RECIPIENT, r.getKey(), Headers.MESSAGE_ID, messageId, Headers.PATIENT_ID, patientId));
                m.setBody(json.writeValueAsString(delivery));
                out.add(m);
                meters.counter("harbour.disclose.queued", "endpoint", r.getKey()).increment();
            }
        }
        audit.recordAll(withheld);
        LOG.debug("Message {}: {} deliveries, {} recipients withheld", messageId, out.size(), withheld.size());
        in.setBody(out);
    }

    /** A repeated-test alert goes only to the doctor who placed the order it is about. */
    static boolean orderedBy(DetectedIssue issue, Map<String, Resource> byRef, List<String> identifiers) {
        if (identifiers.isEmpty()) {
            return false;
        }
        for (org.hl7.fhir.r4.model.Reference implicated : issue.getImplicated()) {
            if (byRef.get(implicated.getReference()) instanceof ServiceRequest order && order.hasRequester()) {
                Resource requester = byRef.get(order.getRequester().getReference());
                if (requester instanceof PractitionerRole role && role.hasPractitioner()) {
                    requester = byRef.get(role.getPractitioner().getReference());
                }
                if (requester instanceof Practitioner doctor) {
                    for (org.hl7.fhir.r4.model.Identifier id : doctor.getIdentifier()) {
                        if (identifiers.contains(id.getValue()) || identifiers.contains(id.getSystem() + "|" + id.getValue())) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Which of the records may go to one recipient, and why the others may not. */
    record Decided(List<String> permitted, List<String> denied, String denyingConsent, String denyReason,
            String permittingConsent) {
    }

    static Decided decide(ConsentPolicy policy, List<Consent> consents, String id, HarbourProperties.Recipient recipient,
            List<Resource> records, Instant now) {
        List<String> permitted = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        String denyingConsent = null;
        String denyReason = null;
        String permitting = null;
        ConsentPolicy.Recipient who = new ConsentPolicy.Recipient(id, recipient.organization());
        for (Resource r : records) {
            String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
            ConsentDecision d = policy.decide(consents, who, r, now);
            if (d instanceof ConsentDecision.Permit p) {
                permitted.add(ref);
                permitting = permitting == null ? p.consent() : permitting;
            } else {
                denied.add(ref);
                if (denyReason == null) {
                    denyReason = "deny: " + d.why();
                    denyingConsent = ((ConsentDecision.Deny) d).consent();
                }
            }
        }
        return new Decided(permitted, denied, denyingConsent, denyReason, permitting);
    }
}
