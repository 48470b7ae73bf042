package org.harbour.routes.consent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Consents and care teams, kept in the record store (encrypted, versioned, indexed by patient)
 * and read fresh for every decision, so a revocation or a removed team member counts at once.
 */
public class ConsentStore implements ConsentPolicy.CareTeams {

    private final RecordStore records;

    public ConsentStore(RecordStore records) {
        this.records = records;
    }

    /** Writes a Consent or CareTeam as its next version; returns the stored resource. */
    public Resource save(Resource resource) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String ref = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        bundle.addEntry().setFullUrl(ref).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(ref);
        RecordStore.Stored stored = records.store(bundle, null);
        return stored.resources().get(0);
    }

    public Optional<Resource> current(String type, String id) {
        return records.read(type, id);
    }

    /** Every consent of a patient, whatever its status (the policy decides which are in force). */
    public List<Consent> consentsOf(String patientId) {
        return records.search(new RecordStore.Query("Consent", patientId, Map.of(), null), 500, 0).resources().stream()
                .filter(Consent.class::isInstance).map(Consent.class::cast).toList();
    }

    @Override
    public boolean isMember(String careTeamId, String recipientId, Instant at) {
        Optional<Resource> found = records.read("CareTeam", careTeamId);
        if (found.isEmpty() || !(found.get() instanceof CareTeam team)) {
            return false;
        }
        if (team.hasStatus() && team.getStatus() != CareTeam.CareTeamStatus.ACTIVE) {
            return false;
        }
        for (CareTeam.CareTeamParticipantComponent p : team.getParticipant()) {
            if (("Practitioner/" + recipientId).equals(p.getMember().getReference())
                    && (!p.hasPeriod() || (!p.getPeriod().hasStart() || !at.isBefore(p.getPeriod().getStart().toInstant()))
                            && (!p.getPeriod().hasEnd() || at.isBefore(p.getPeriod().getEnd().toInstant())))) {
                return true;
            }
        }
        return false;
    }
}
