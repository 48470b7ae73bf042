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
    static final String AUDIT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String SENDER = "urn:harbour:sender";
    static final String CLIENT = "urn:harbour:client";
    static final String RECIPIENT = "urn:harbour:recipient";
    static final String MESSAGE = "urn:harbour:message";

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

    /** A message from a sender was durably received and recorded in the message store. */
    public static AuditEvent messageReceived(String messageId, String controlId, String sender, String remote,
            String messageType) {
        AuditEvent e = base("110107", "Import", AuditEvent.AuditEventAction.C, "received");
        e.setOutcome(AuditEvent.AuditEventOutcome._0);
        source(e, sender, remote);
        destination(e);
        message(e, messageId, controlId, messageType);
        return e;
    }

    /**
     * A message arrived under the key of one stored earlier (same sender and control id) with
     * other content: not a resend, so it is stored as its own message; flagged for operators.
     */
    public static AuditEvent controlIdCollision(String messageId, String controlId, String sender, String remote,
            String messageType, String collidesWith) {
        AuditEvent e = base("110107", "Import", AuditEvent.AuditEventAction.C, "control-id-collision");
        e.setOutcome(AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc("control id already used within the resend window by message " + collidesWith
                + " with other content; stored as its own message");
        source(e, sender, remote);
        destination(e);
        message(e, messageId, controlId, messageType);
        return e;
    }

    /** A message was refused (AR/AE at the listener) or could not be translated; it is kept for operators. */
    public static AuditEvent messageRejected(String keptAs, String controlId, String sender, String remote,
            String reason) {
        AuditEvent e = base("110107", "Import", AuditEvent.AuditEventAction.C, "rejected");
        e.setOutcome(AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc(clip(reason));
        source(e, sender, remote);
        destination(e);
        message(e, keptAs, controlId, null);
        return e;
    }

    /** A translated message's resources were written to the record store under one patient. */
    public static AuditEvent recordsStored(String messageId, String controlId, String sender, String patientId,
            int resources) {
        AuditEvent e = base("110107", "Import", AuditEvent.AuditEventAction.U, "stored");
        e.setOutcome(AuditEvent.AuditEventOutcome._0);
        e.setOutcomeDesc(resources + " resources written");
        source(e, sender, null);
        destination(e);
        patient(e, patientId);
        message(e, messageId, controlId, null);
        return e;
    }

    /**
     * A record was disclosed (forwarded) to a recipient, or withheld from one, with the consent
     * decision that allowed or stopped it.
     */
    public static AuditEvent recordDisclosure(boolean disclosed, String recipient, String endpoint, String patientId,
            String record, String consent, String decision) {
        return recordDisclosure(disclosed, recipient, endpoint, patientId, java.util.List.of(record), consent, decision);
    }

    /** As above, for several records sent (or withheld) together in one notification. */
    public static AuditEvent recordDisclosure(boolean disclosed, String recipient, String endpoint, String patientId,
            java.util.List<String> records, String consent, String decision) {
        AuditEvent e = base("110106", "Export", AuditEvent.AuditEventAction.R, disclosed ? "disclosed" : "withheld");
        e.setOutcome(disclosed ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc(clip(decision));
        e.addPurposeOfEvent().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT",
                "treatment"));
        e.addAgent().setRequestor(false).setWho(new Reference().setDisplay("Harbour")).addRole()
                .addCoding(new Coding(DCM, "110153", "Source Role ID"));
        AuditEvent.AuditEventAgentComponent to = e.addAgent().setRequestor(false).setWho(new Reference()
                .setIdentifier(new Identifier().setSystem(RECIPIENT).setValue(recipient)));
        to.addRole().addCoding(new Coding(DCM, "110152", "Destination Role ID"));
        if (endpoint != null) {
            to.getNetwork().setAddress(endpoint).setType(AuditEvent.AuditEventAgentNetworkType._5);
        }
        patient(e, patientId);
        for (String record : records) {
            e.addEntity().setWhat(new Reference(record)).setRole(new Coding(ROLE, "4", "Domain Resource"));
        }
        if (consent != null) {
            e.addEntity().setWhat(new Reference(consent)).setRole(new Coding(ROLE, "13", "Security Resource"));
        }
        return e;
    }

    /** A consent was created, changed or revoked ({@code what}), or a care team changed ({@code careteam-...}). */
    public static AuditEvent consentChanged(String client, String consent, String patientId,
            AuditEvent.AuditEventAction action, String what) {
        AuditEvent e = base("rest", "RESTful Operation", action, what.startsWith("careteam-") ? what : "consent-" + what);
        e.getType().setSystem(AUDIT_TYPE);
        e.setOutcome(AuditEvent.AuditEventOutcome._0);
        requestor(e, client, null);
        patient(e, patientId);
        e.addEntity().setWhat(new Reference(consent)).setRole(new Coding(ROLE, "13", "Security Resource"));
        return e;
    }

    /** An operator's action: a replay, a configuration change, a retention purge, the hub starting. */
    public static AuditEvent adminAction(String actor, String action, String detail, boolean success) {
        AuditEvent e = base("110100", "Application Activity", AuditEvent.AuditEventAction.E, action);
        e.setOutcome(success ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._8);
        e.setOutcomeDesc(clip(detail));
        requestor(e, actor, null);
        return e;
    }

    /** A request without valid credentials (401). */
    public static AuditEvent authenticationFailed(String remote, String request, String reason) {
        AuditEvent e = base("110114", "User Authentication", AuditEvent.AuditEventAction.E, "login-failed");
        e.setOutcome(AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc(clip(reason));
        requestor(e, "anonymous", remote);
        e.addEntity().setWhat(new Reference().setDisplay(clip(request))).setRole(new Coding(ROLE, "24", "Query"));
        return e;
    }

    /**
     * Failed logins from one source for one reason, beyond the first of an interval (which has an
     * entry of its own): one entry with their count, so a flood leaves a line, not a flood.
     */
    public static AuditEvent authenticationFailedRepeatedly(String remote, String reason, int count,
            java.time.Instant since) {
        AuditEvent e = base("110114", "User Authentication", AuditEvent.AuditEventAction.E, "login-failed");
        e.setOutcome(AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc(clip(reason + ": " + count + " more since " + since));
        requestor(e, "anonymous", remote);
        return e;
    }

    /** Too many failed logins: a source address or a console account is locked out for a while. */
    public static AuditEvent lockedOut(String remote, String what, java.time.Duration duration, int failures) {
        AuditEvent e = base("110114", "User Authentication", AuditEvent.AuditEventAction.E, "login-locked");
        e.setOutcome(AuditEvent.AuditEventOutcome._8);
        e.setOutcomeDesc(clip(what + " locked out for " + duration + " after " + failures + " failed logins"));
        requestor(e, "anonymous", remote);
        return e;
    }

    /** An authenticated caller asked for something its scopes do not allow (403). */
    public static AuditEvent accessDenied(String client, String remote, String request, String requiredScope) {
        AuditEvent e = base("110113", "Security Alert", AuditEvent.AuditEventAction.E, "access-denied");
        e.setOutcome(AuditEvent.AuditEventOutcome._4);
        e.setOutcomeDesc("needs scope " + clip(requiredScope));
        requestor(e, client, remote);
        e.addEntity().setWhat(new Reference().setDisplay(clip(request))).setRole(new Coding(ROLE, "24", "Query"));
        return e;
    }

    private static void source(AuditEvent e, String sender, String remote) {
        AuditEvent.AuditEventAgentComponent agent = e.addAgent().setRequestor(false).setWho(new Reference()
                .setIdentifier(new Identifier().setSystem(SENDER).setValue(sender == null || sender.isBlank()
                        ? "unknown" : sender)));
        agent.addRole().addCoding(new Coding(DCM, "110153", "Source Role ID"));
        if (remote != null) {
            agent.getNetwork().setAddress(ipOf(remote)).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
    }

    /** The IP address alone from a socket address as Java prints it ({@code /10.1.2.3:4567}, {@code /[::1]:4567}). */
    static String ipOf(String remote) {
        String address = remote.startsWith("/") ? remote.substring(1) : remote;
        if (address.startsWith("[")) {
            int end = address.indexOf(']');
            return end > 0 ? address.substring(1, end) : address;
        }
        int colon = address.indexOf(':');
        return colon > 0 && colon == address.lastIndexOf(':') ? address.substring(0, colon) : address;
    }

    private static void destination(AuditEvent e) {
        e.addAgent().setRequestor(false).setWho(new Reference().setDisplay("Harbour")).addRole()
                .addCoding(new Coding(DCM, "110152", "Destination Role ID"));
    }

    private static void requestor(AuditEvent e, String client, String remote) {
        AuditEvent.AuditEventAgentComponent agent = e.addAgent().setRequestor(true).setWho(new Reference()
                .setIdentifier(new Identifier().setSystem(CLIENT).setValue(client)));
        agent.addRole().addCoding(new Coding(DCM, "110153", "Source Role ID"));
        if (remote != null) {
            agent.getNetwork().setAddress(ipOf(remote)).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
    }

    private static void message(AuditEvent e, String messageId, String controlId, String messageType) {
        AuditEvent.AuditEventEntityComponent entity = e.addEntity().setWhat(new Reference().setIdentifier(
                new Identifier().setSystem(MESSAGE).setValue(messageId))).setRole(new Coding(ROLE, "4", "Domain Resource"));
        if (controlId != null) {
            entity.setName(clip(controlId));
        }
        if (messageType != null) {
            entity.setDescription(clip(messageType));
        }
    }

    private static String clip(String text) {
        if (text == null) {
            return null;
        }
        return text.length() > 500 ? text.substring(0, 500) : text;
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

    public static String patientOf(AuditEvent e) {
        for (AuditEvent.AuditEventEntityComponent entity : e.getEntity()) {
            String ref = entity.getWhat().getReference();
            if (ref != null && ref.startsWith("Patient/")) {
                return ref.substring("Patient/".length());
            }
        }
        return null;
    }

    static String subtypeOf(AuditEvent e) {
        for (Coding subtype : e.getSubtype()) {
            if (HARBOUR.equals(subtype.getSystem())) {
                return subtype.getCode();
            }
        }
        return e.hasSubtype() ? e.getSubtypeFirstRep().getCode() : null;
    }

    /** The agent the trail is searched by: the requestor, else the first agent named by identifier. */
    static String agentOf(AuditEvent e) {
        String found = null;
        for (AuditEvent.AuditEventAgentComponent agent : e.getAgent()) {
            Reference who = agent.getWho();
            if (who.hasIdentifier() && (agent.getRequestor() || found == null)) {
                found = who.getIdentifier().getValue();
                if (agent.getRequestor()) {
                    break;
                }
            }
        }
        if (found == null && !e.getAgent().isEmpty()) {
            found = e.getAgentFirstRep().getWho().getDisplay();
        }
        return found == null || found.length() <= 300 ? found : found.substring(0, 300);
    }
}
