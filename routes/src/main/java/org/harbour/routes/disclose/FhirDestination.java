package org.harbour.routes.disclose;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.fhir.FhirEndpoint;
import org.harbour.connectors.chat.SendResult;
import org.harbour.routes.config.HarbourProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR R4 server that receives records (a hospital's), written with camel-fhir (HAPI's generic
 * client): the permitted records of one delivery and the patient as one transaction Bundle. The
 * patient is a conditional update on its HKID (or first identifier), so the server's own record
 * of that patient is updated, not duplicated; every other record is an update of its hub id, so
 * a resend or a replay changes nothing; references point at the transaction's entries. 2xx:
 * delivered; 429 and 5xx: retried (Retry-After honoured by the delivery's hold); another 4xx:
 * dead-lettered with the server's OperationOutcome; no connection: retried.
 */
public final class FhirDestination {

    private final String id;
    private final HarbourProperties.Endpoint endpoint;
    private final FhirEndpoint fhir;
    private final ProducerTemplate template;
    private final String hkidSystem;

    FhirDestination(String id, HarbourProperties.Endpoint endpoint, CamelContext camel, String hkidSystem) {
        this.id = id;
        this.endpoint = endpoint;
        this.hkidSystem = hkidSystem;
        // one endpoint per destination; its token is set on its client, never written into a URI that could be logged
        // the client is made with the endpoint: its timeouts go in with it
        long timeout = endpoint.ackTimeout().toMillis();
        this.fhir = camel.getEndpoint("fhir://transaction/withBundle?inBody=bundle&fhirVersion=R4&serverUrl=RAW("
                + endpoint.url() + ")&socketTimeout=" + timeout + "&connectionTimeout=" + timeout
                + "&lazyStartProducer=true", FhirEndpoint.class);
        String token = endpoint.auth().token() != null && !endpoint.auth().token().isBlank() ? endpoint.auth().token()
                : endpoint.secret();
        if (token != null && !token.isBlank()) {
            // on the endpoint's HAPI client itself (made when the endpoint was): every request carries it
            fhir.getClient().registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(token));
        }
        this.template = camel.createProducerTemplate();
    }

    /** The transaction a delivery becomes. */
    Bundle transaction(Patient patient, List<Resource> records) {
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        if (patient != null) {
            Patient copy = patient.copy();
            String ref = "Patient/" + patient.getIdElement().getIdPart();
            Bundle.BundleEntryComponent entry = tx.addEntry().setFullUrl("urn:uuid:" + patient.getIdElement().getIdPart())
                    .setResource(copy);
            Identifier key = copy.getIdentifier().stream().filter(i -> hkidSystem.equals(i.getSystem())).findFirst()
                    .orElse(copy.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()).findFirst()
                            .orElse(null));
            copy.setId((String) null);
            if (key != null) {
                entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient?identifier=" + key.getSystem() + "|"
                        + key.getValue());
            } else {
                copy.setId(patient.getIdElement().getIdPart());
                entry.setFullUrl(ref);
                entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
            }
        }
        for (Resource r : records) {
            Resource copy = r.copy();
            if (copy instanceof DomainResource d) {
                d.getMeta().setVersionId(null);
            }
            String ref = r.fhirType() + "/" + r.getIdElement().getIdPart();
            copy.setId(r.getIdElement().getIdPart());
            tx.addEntry().setFullUrl(ref).setResource(copy).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
        }
        // the patient is found by its identifier: references to it go to the transaction's entry
        if (patient != null) {
            String hub = "Patient/" + patient.getIdElement().getIdPart();
            String entry = tx.getEntryFirstRep().getFullUrl();
            for (Bundle.BundleEntryComponent e : tx.getEntry()) {
                e.getResource().children().forEach(child -> child.getValues().forEach(v -> retarget(v, hub, entry)));
            }
        }
        return tx;
    }

    private static void retarget(org.hl7.fhir.r4.model.Base value, String from, String to) {
        if (value instanceof org.hl7.fhir.r4.model.Reference ref) {
            if (from.equals(ref.getReference())) {
                ref.setReference(to);
            }
            return;
        }
        value.children().forEach(child -> child.getValues().forEach(v -> retarget(v, from, to)));
    }

    public SendResult send(Patient patient, List<Resource> records) {
        Bundle tx = transaction(patient, records);
        try {
            Object answer = template.requestBody(fhir, tx);
            int entries = answer instanceof Bundle b ? b.getEntry().size() : 0;
            return new SendResult.Delivered(200, "transaction of " + tx.getEntry().size() + " entries, " + entries
                    + " answered");
        } catch (RuntimeException e) {
            // camel-fhir wraps HAPI's answer (and wraps it again): the server's response is somewhere in the causes
            BaseServerResponseException server = null;
            Throwable cause = e;
            for (Throwable t = e; t != null && server == null; t = t.getCause()) {
                if (t instanceof BaseServerResponseException answered) {
                    server = answered;
                }
                cause = t;
            }
            if (server != null) {
                int status = server.getStatusCode();
                String why = id + " answered HTTP " + status + ": " + outcome(server);
                if (status == 429 || status >= 500) {
                    return new SendResult.RetryLater(why, null);
                }
                if (status == 401 || status == 403) {
                    return new SendResult.Misconfigured(why);
                }
                return new SendResult.Refused(why);
            }
            return new SendResult.RetryLater(id + " at " + endpoint.url() + ": " + cause.getMessage(), null);
        }
    }

    private static String outcome(BaseServerResponseException server) {
        if (server.getOperationOutcome() instanceof OperationOutcome oo && oo.hasIssue()) {
            return oo.getIssue().stream().map(i -> i.getDiagnostics() == null ? i.getCode().toCode() : i.getDiagnostics())
                    .reduce((a, b) -> a + "; " + b).orElse(server.getMessage());
        }
        return server.getMessage();
    }
}
