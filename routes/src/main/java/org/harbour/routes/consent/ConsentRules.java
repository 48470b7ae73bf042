package org.harbour.routes.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;

/**
 * What a Consent (or CareTeam) must be before the hub accepts it, each problem in words for the
 * OperationOutcome: a patient-privacy consent for a known patient, with a policy rule, a status,
 * a category, and provisions whose actors are known recipients, care teams or organisations,
 * whose classes are kinds of record the hub knows, for treatment only, with sane periods.
 */
public final class ConsentRules {

    private static final Set<String> ACTOR_TYPES = Set.of("Practitioner", "CareTeam", "Organization");

    private final Predicate<String> patientExists;
    private final Predicate<String> recipientExists;
    private final Predicate<String> careTeamExists;

    public ConsentRules(Predicate<String> patientExists, Predicate<String> recipientExists,
            Predicate<String> careTeamExists) {
        this.patientExists = patientExists;
        this.recipientExists = recipientExists;
        this.careTeamExists = careTeamExists;
    }

    public List<String> problems(Consent c) {
        List<String> problems = new ArrayList<>();
        if (!c.hasStatus() || c.getStatus() == Consent.ConsentState.NULL) {
            problems.add("Consent.status is required (active, inactive, proposed, draft, rejected, entered-in-error)");
        }
        if (!ConsentPolicy.has(c.getScope(), ConsentPolicy.SCOPE, "patient-privacy")) {
            problems.add("Consent.scope must be patient-privacy (" + ConsentPolicy.SCOPE + ")");
        }
        if (c.getCategory().isEmpty()) {
            problems.add("Consent.category is required (e.g. LOINC 59284-0 Consent Document)");
        }
        String patient = c.getPatient().getReference();
        if (patient == null || !patient.matches("Patient/[A-Za-z0-9\\-.]{1,64}")) {
            problems.add("Consent.patient must reference the hub Patient (Patient/<id>)");
        } else if (!patientExists.test(patient.substring("Patient/".length()))) {
            problems.add("Consent.patient " + patient + " is not known here");
        }
        if (!c.hasPolicyRule() && c.getPolicy().isEmpty()) {
            problems.add("Consent needs a policyRule or a policy (FHIR invariant ppc-1), e.g. policyRule"
                    + " http://terminology.hl7.org/CodeSystem/v3-ActCode#OPTIN");
        }
        if (!c.hasProvision() || c.getProvision().getType() == null
                || c.getProvision().getType() == Consent.ConsentProvisionType.NULL) {
            problems.add("Consent.provision.type is required (permit or deny)");
        }
        if (c.hasProvision()) {
            provision(c.getProvision(), "Consent.provision", problems);
        }
        return problems;
    }

    private void provision(Consent.ProvisionComponent p, String path, List<String> problems) {
        period(p.getPeriod(), path + ".period", problems);
        for (int i = 0; i < p.getActor().size(); i++) {
            Consent.provisionActorComponent actor = p.getActor().get(i);
            String at = path + ".actor[" + i + "]";
            String ref = actor.getReference().getReference();
            if (!actor.hasRole()) {
                problems.add(at + ".role is required (e.g. v3-ParticipationType PRCP, primary information recipient)");
            }
            if (ref == null || !ref.contains("/") || !ACTOR_TYPES.contains(ref.substring(0, ref.indexOf('/')))) {
                problems.add(at + ".reference must be Practitioner/<recipient id>, CareTeam/<id> or Organization/<id>");
            } else if (ref.startsWith("Practitioner/") && !recipientExists.test(ref.substring("Practitioner/".length()))) {
                problems.add(at + ".reference " + ref + " is not a configured recipient");
            } else if (ref.startsWith("CareTeam/") && !careTeamExists.test(ref.substring("CareTeam/".length()))) {
                problems.add(at + ".reference " + ref + " is not a known care team (create it at /fhir/CareTeam first)");
            }
        }
        for (int i = 0; i < p.getClass_().size(); i++) {
            Coding kind = p.getClass_().get(i);
            if (!RecordKinds.known(kind)) {
                problems.add(path + ".class[" + i + "] " + kind.getSystem() + "|" + kind.getCode() + " is not a kind of"
                        + " record the hub knows: use " + RecordKinds.RESOURCE_TYPES + " with one of "
                        + new java.util.TreeSet<>(RecordKinds.DISCLOSABLE.keySet()) + ", or "
                        + RecordKinds.OBSERVATION_CATEGORY + " (laboratory, imaging, ...)");
            }
        }
        for (Coding purpose : p.getPurpose()) {
            if (!"TREAT".equals(purpose.getCode())) {
                problems.add(path + ".purpose " + purpose.getCode() + " is not supported: the hub forwards records for"
                        + " treatment (v3-ActReason TREAT) only");
            }
        }
        for (int i = 0; i < p.getProvision().size(); i++) {
            Consent.ProvisionComponent nested = p.getProvision().get(i);
            if (nested.getType() == null || nested.getType() == Consent.ConsentProvisionType.NULL) {
                problems.add(path + ".provision[" + i + "].type is required (permit or deny)");
            }
            provision(nested, path + ".provision[" + i + "]", problems);
        }
    }

    private static void period(Period period, String path, List<String> problems) {
        if (period != null && period.hasStart() && period.hasEnd() && period.getEnd().before(period.getStart())) {
            problems.add(path + " ends before it starts");
        }
    }

    public List<String> problems(CareTeam team) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < team.getParticipant().size(); i++) {
            String ref = team.getParticipant().get(i).getMember().getReference();
            if (ref == null || !ref.startsWith("Practitioner/")) {
                problems.add("CareTeam.participant[" + i + "].member must be Practitioner/<recipient id>");
            } else if (!recipientExists.test(ref.substring("Practitioner/".length()))) {
                problems.add("CareTeam.participant[" + i + "].member " + ref + " is not a configured recipient");
            }
            period(team.getParticipant().get(i).getPeriod(), "CareTeam.participant[" + i + "].period", problems);
        }
        return problems;
    }
}
