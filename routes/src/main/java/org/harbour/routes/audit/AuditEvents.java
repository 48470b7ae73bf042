package org.harbour.routes.audit;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * AuditEvents in the shape of IHE Basic Audit Log Patterns: DICOM event type, a subtype, the
 * action, the outcome, agents (source, recipient, requestor), the hub as observer, and entities
 * for the patient and the data. Built here, so every stage records the same shape.
 */
public final class AuditEvents {

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String HARBOUR = "urn:harbour:audit";

    private AuditEvents() {
    }

    /** A message arrived and was translated into the record store. */
    public static AuditEvent messageTranslated(String messageId, String controlId, String sender, String patientId,
            String outcome, int resources) {
        AuditEvent e = base("110107", "Import", AuditEvent.AuditEventAction.C, "translated");
        e.setOutcome(AuditEvent.AuditEventOutcome._0);
        e.setOutcomeDesc(outcome + ", " + resources + " resources");
        e.addAgent().setRequestor(false).setWho(new Reference().setIdentifier(new Identifier()
                .setSystem("urn:harbour:sender").setValue(sender))).addRole().addCoding(new Coding(DCM, "110153", "Source Role ID"));
        e.addAgent().setRequestor(false).setWho(new Reference().setDisplay("Harbour")).addRole()
                .addCoding(new Coding(DCM, "110152", "Destination Role ID"));
        patient(e, patientId);
        e.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem("urn:harbour:message")
                .setValue(messageId))).setName(controlId).setRole(new Coding(ROLE, "4", "Domain Resource"));
        return e;
    }

    /** Records were read or searched through the API. */
    public static AuditEvent recordAccessed(String client, String interaction, String what, String patientId,
            boolean success) {
        AuditEvent e = base("rest", "RESTful Operation", interaction.equals("read") || interaction.equals("vread")
                ? AuditEvent.AuditEventAction.R : AuditEvent.AuditEventAction.E, interaction);
        e.getType().setSystem("http://terminology.hl7.org/CodeSystem/audit-event-type");
        e.getSubtypeFirstRep().setSystem("http://hl7.org/fhir/restful-interaction");
        e.setOutcome(success ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4);
        e.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier()
                .setSystem("urn:harbour:client").setValue(client))).addRole()
                .addCoding(new Coding(DCM, "110153", "Source Role ID"));
        patient(e, patientId);
        e.addEntity().setWhat(new Reference().setDisplay(what)).setRole(new Coding(ROLE, "24", "Query"));
        return e;
    }

    private static AuditEvent base(String type, String display, AuditEvent.AuditEventAction action, String subtype) {
        AuditEvent e = new AuditEvent();
        e.setType(new Coding(DCM, type, display));
        e.addSubtype(new Coding(HARBOUR, subtype, subtype));
        e.setAction(action);
        e.getSource().setSite("harbour").setObserver(new Reference().setDisplay("Harbour"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
        return e;
    }

    private static void patient(AuditEvent e, String patientId) {
        if (patientId != null) {
            e.addEntity().setWhat(new Reference("Patient/" + patientId)).setRole(new Coding(ROLE, "1", "Patient"));
        }
    }

    static String patientOf(AuditEvent e) {
        for (AuditEvent.AuditEventEntityComponent entity : e.getEntity()) {
            String ref = entity.getWhat().getReference();
            if (ref != null && ref.startsWith("Patient/")) {
                return ref.substring("Patient/".length());
            }
        }
        return null;
    }

    static String agentOf(AuditEvent e) {
        for (AuditEvent.AuditEventAgentComponent agent : e.getAgent()) {
            Reference who = agent.getWho();
            String value = who.hasIdentifier() ? who.getIdentifier().getValue() : who.getDisplay();
            if (value != null) {
                return value.length() > 300 ? value.substring(0, 300) : value;
            }
        }
        return null;
    }
}
