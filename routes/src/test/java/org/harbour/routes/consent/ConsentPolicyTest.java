package org.harbour.routes.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Default deny, actors, classes, periods, purpose, nested exceptions and deny-overrides. */
class ConsentPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");
    private static final ConsentPolicy.Recipient DR_CHAN = new ConsentPolicy.Recipient("dr-chan", "kwc-clinic");
    private static final ConsentPolicy.Recipient DR_WONG = new ConsentPolicy.Recipient("dr-wong", "qmh");
    private final ConsentPolicy policy = new ConsentPolicy((team, recipient, at) -> team.equals("diabetes-team")
            && Set.of("dr-wong").contains(recipient), ZoneId.of("Asia/Hong_Kong"));

    static Observation lab() {
        Observation o = new Observation();
        o.setId("o1");
        o.addCategory().addCoding(new Coding(RecordKinds.OBSERVATION_CATEGORY, "laboratory", "Laboratory"));
        return o;
    }

    static Consent consent(String id, Consent.ConsentProvisionType type, String actor, Coding kind) {
        Consent c = new Consent();
        c.setId(id);
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.getScope().addCoding(new Coding(ConsentPolicy.SCOPE, "patient-privacy", null));
        c.getProvision().setType(type);
        if (actor != null) {
            c.getProvision().addActor().setReference(new Reference(actor)).setRole(new CodeableConcept()
                    .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP", null)));
        }
        if (kind != null) {
            c.getProvision().addClass_(kind);
        }
        return c;
    }

    private static Coding labKind() {
        return new Coding(RecordKinds.OBSERVATION_CATEGORY, "laboratory", null);
    }

    @Test
    void withoutAConsentNothingGoes() {
        ConsentDecision d = policy.decide(List.of(), DR_CHAN, lab(), NOW);
        assertThat(d).isInstanceOf(ConsentDecision.Deny.class);
        assertThat(d.why()).isEqualTo("no active consent permits Observation to dr-chan");
    }

    @Test
    void aPermitCoversItsActorAndItsKindOnly() {
        List<Consent> consents = List.of(consent("c1", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", labKind()));
        assertThat(policy.decide(consents, DR_CHAN, lab(), NOW)).isEqualTo(new ConsentDecision.Permit("Consent/c1",
                "Consent/c1 permits Observation to dr-chan"));
        assertThat(policy.decide(consents, DR_WONG, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
        assertThat(policy.decide(consents, DR_CHAN, new MedicationRequest(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
    }

    @Test
    void careTeamsAndOrganisationsCoverTheirCurrentMembers() {
        List<Consent> team = List.of(consent("c2", Consent.ConsentProvisionType.PERMIT, "CareTeam/diabetes-team", null));
        assertThat(policy.decide(team, DR_WONG, lab(), NOW)).isInstanceOf(ConsentDecision.Permit.class);
        assertThat(policy.decide(team, DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
        List<Consent> org = List.of(consent("c3", Consent.ConsentProvisionType.PERMIT, "Organization/kwc-clinic", null));
        assertThat(policy.decide(org, DR_CHAN, new MedicationRequest(), NOW)).isInstanceOf(ConsentDecision.Permit.class);
        assertThat(policy.decide(org, DR_WONG, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
    }

    @Test
    void revokedExpiredOrNotForTreatmentDoesNotPermit() {
        Consent revoked = consent("c4", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        revoked.setStatus(Consent.ConsentState.INACTIVE);
        assertThat(policy.decide(List.of(revoked), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);

        // a date-only end lasts to midnight in Hong Kong: 2026-11-22 still holds at 10:00 +08:00, not on the 23rd
        Consent ending = consent("c5", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        ending.getProvision().getPeriod().setEndElement(new DateTimeType("2026-11-22"));
        assertThat(policy.decide(List.of(ending), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Permit.class);
        assertThat(policy.decide(List.of(ending), DR_CHAN, lab(), Instant.parse("2026-11-22T16:00:00Z")))
                .isInstanceOf(ConsentDecision.Deny.class);
        Consent notYet = consent("c6", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        notYet.getProvision().getPeriod().setStartElement(new DateTimeType("2026-12-01"));
        assertThat(policy.decide(List.of(notYet), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);

        Consent research = consent("c7", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        research.getProvision().addPurpose(new Coding(ConsentPolicy.ACT_REASON, "HRESCH", null));
        assertThat(policy.decide(List.of(research), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
    }

    @Test
    void aDenyCitesTheConsentThatWouldHavePermittedItHadItStillHeld() {
        Consent revoked = consent("c4", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        revoked.setStatus(Consent.ConsentState.INACTIVE);
        assertThat(policy.decide(List.of(revoked), DR_CHAN, lab(), NOW)).isEqualTo(new ConsentDecision.Deny("Consent/c4",
                "Consent/c4 was revoked (status inactive); it permitted Observation to dr-chan"));
        Consent ending = consent("c5", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        ending.getProvision().getPeriod().setEndElement(new DateTimeType("2026-11-22"));
        assertThat(policy.decide(List.of(ending), DR_CHAN, lab(), Instant.parse("2026-11-23T02:00:00Z")).why())
                .isEqualTo("Consent/c5 ended on 2026-11-22; it permitted Observation to dr-chan");
        Consent notYet = consent("c6", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        notYet.getProvision().getPeriod().setStartElement(new DateTimeType("2026-12-01"));
        assertThat(policy.decide(List.of(notYet), DR_CHAN, lab(), NOW).why())
                .isEqualTo("Consent/c6 begins on 2026-12-01; it permitted Observation to dr-chan");
        // a revoked consent for someone else, or for another kind of record, is not the reason
        assertThat(policy.decide(List.of(revoked), DR_WONG, lab(), NOW).why())
                .isEqualTo("no active consent permits Observation to dr-wong");
        Consent labOnly = consent("c8", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", labKind());
        labOnly.setStatus(Consent.ConsentState.INACTIVE);
        assertThat(policy.decide(List.of(labOnly), DR_CHAN, new MedicationRequest(), NOW).why())
                .isEqualTo("no active consent permits MedicationRequest to dr-chan");
    }

    @Test
    void aNestedProvisionIsAnExceptionAndAnyDenyWins() {
        Consent permitAllButMedication = consent("c8", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        permitAllButMedication.getProvision().addProvision().setType(Consent.ConsentProvisionType.DENY)
                .addClass_(new Coding(RecordKinds.RESOURCE_TYPES, "MedicationRequest", null));
        assertThat(policy.decide(List.of(permitAllButMedication), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Permit.class);
        assertThat(policy.decide(List.of(permitAllButMedication), DR_CHAN, new MedicationRequest(), NOW))
                .isEqualTo(new ConsentDecision.Deny("Consent/c8", "Consent/c8 denies MedicationRequest to dr-chan"));

        Consent denyAllButTeam = consent("c9", Consent.ConsentProvisionType.DENY, null, null);
        denyAllButTeam.getProvision().addProvision().setType(Consent.ConsentProvisionType.PERMIT).addActor()
                .setReference(new Reference("CareTeam/diabetes-team"));
        assertThat(policy.decide(List.of(denyAllButTeam), DR_WONG, lab(), NOW)).isInstanceOf(ConsentDecision.Permit.class);
        assertThat(policy.decide(List.of(denyAllButTeam), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);

        Consent permit = consent("c10", Consent.ConsentProvisionType.PERMIT, "Practitioner/dr-chan", null);
        Consent deny = consent("c11", Consent.ConsentProvisionType.DENY, "Practitioner/dr-chan", labKind());
        assertThat(policy.decide(List.of(permit, deny), DR_CHAN, lab(), NOW)).isInstanceOf(ConsentDecision.Deny.class);
    }
}
