package org.harbour.routes.api;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.harbour.connectors.mllp.LogSafe;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.mappings.fhir.FhirBundleIntake;
import org.harbour.routes.Headers;
import org.harbour.routes.ingest.InboundQueueWriter;
import org.harbour.routes.store.MessageStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Clinics pushing FHIR: {@code POST /fhir} with a transaction or batch Bundle. The Bundle is
 * checked (a refused one gets 400 and an OperationOutcome listing every reason, and nothing is
 * kept), then written durably to harbour.inbound like an HL7 v2 message, and only then
 * answered 202 with the message id: the store stage keeps it, stores its records and runs the
 * same repeated-test checks on its results and orders (a ServiceRequest for a recent test
 * raises an alert).
 */
@RestController
public class FhirIntakeController {

    private static final Logger LOG = LoggerFactory.getLogger(FhirIntakeController.class);

    private final FhirBundleIntake intake;
    private final InboundQueueWriter inbound;
    private final FhirContext fhir;

    /** The largest Bundle taken, as for an HL7 message over MLLP ({@code harbour.mllp.max-message-size}). */
    private final long maxBytes;

    public FhirIntakeController(FhirContext fhir, InboundQueueWriter inbound,
            org.harbour.routes.config.HarbourProperties properties) {
        this.maxBytes = properties.mllp().maxMessageSize().toBytes();
        this.fhir = fhir;
        this.intake = new FhirBundleIntake(fhir);
        this.inbound = inbound;
    }

    private ResponseEntity<String> refused(HttpStatus status, OperationOutcome.IssueType type, String reason) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(reason);
        return ResponseEntity.status(status).contentType(FhirController.FHIR_JSON)
                .body(fhir.newJsonParser().encodeResourceToString(outcome));
    }

    @PostMapping(value = "/fhir", consumes = {"application/fhir+json", "application/json"},
            produces = {"application/fhir+json", "application/json"})
    public ResponseEntity<String> push(Principal principal, HttpServletRequest request) throws Exception {
        // read no more than the limit (and one byte to tell): a larger Bundle is refused, never held whole
        long declared = request.getContentLengthLong();
        byte[] body = declared > maxBytes ? null
                : request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body == null || body.length > maxBytes) {
            return refused(HttpStatus.PAYLOAD_TOO_LARGE, OperationOutcome.IssueType.TOOLONG, "the Bundle is larger than"
                    + " this hub takes (" + maxBytes + " bytes, harbour.mllp.max-message-size)");
        }
        Bundle bundle;
        try {
            bundle = intake.check(body);
        } catch (FhirBundleIntake.RefusedException e) {
            OperationOutcome refused = new OperationOutcome();
            e.reasons().forEach(reason -> refused.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.INVALID).setDiagnostics(reason));
            return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(FhirController.FHIR_JSON)
                    .body(fhir.newJsonParser().encodeResourceToString(refused));
        }
        String messageId = MessageStore.newId();
        String sender = principal == null ? "fhir-client" : principal.getName();
        String controlId = bundle.getIdentifier().hasValue() ? bundle.getIdentifier().getValue()
                : bundle.getIdElement().hasIdPart() ? bundle.getIdElement().getIdPart() : messageId;
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(Headers.MESSAGE_ID, messageId);
        properties.put(Headers.CONTROL_ID, controlId);
        properties.put(Headers.SENDER, sender);
        properties.put(Headers.SENDING_APPLICATION, "FHIR API");
        properties.put(Headers.MESSAGE_TYPE, FhirBundleIntake.MESSAGE_TYPE);
        properties.put(Headers.HL7_VERSION, "FHIR R4");
        properties.put(Headers.CHARSET, "UTF-8");
        properties.put(MllpHeaders.RECEIVED_AT, Instant.now().toString());
        properties.put(MllpHeaders.REMOTE_ADDRESS, request.getRemoteAddr());
        properties.put(MllpHeaders.LISTENER, "fhir");
        inbound.write(body, properties);
        // the Bundle's identifier and source are the sender's text (a sender may put a patient number there)
        LOG.info("FHIR Bundle accepted: id={} entries={}", messageId, bundle.getEntry().size());
        LOG.debug("FHIR Bundle {}: controlId={} sender={}", messageId, LogSafe.identifier(controlId),
                LogSafe.identifier(sender));
        OperationOutcome accepted = new OperationOutcome();
        accepted.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("accepted as message " + messageId + "; stored and checked in the background");
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(FhirController.FHIR_JSON)
                .header("Location", "/api/messages/" + messageId)
                .body(fhir.newJsonParser().encodeResourceToString(accepted));
    }
}
