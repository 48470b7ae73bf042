package org.harbour.routes.consent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Resource;

/**
 * Decides whether one record may go to one recipient under a patient's consents. Default deny:
 * only an active patient-privacy consent whose provisions permit this recipient (directly, as a
 * member of a care team now, or through their organisation), this kind of record, now, for
 * treatment, lets it go; an applicable deny anywhere wins. Within a consent the root provision
 * applies to what matches it and a nested provision that matches is an exception to its parent.
 */
public final class ConsentPolicy {

    static final String SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    /** Whether a recipient is a current member of a care team. */
    @FunctionalInterface
    public interface CareTeams {
        boolean isMember(String careTeamId, String recipientId, Instant at);
    }

    /** Who is asking to receive: the recipient id (as in {@code Practitioner/<id>}) and their organisation. */
    public record Recipient(String id, String organization) {
    }

    private final CareTeams careTeams;
    private final java.time.ZoneId zone;

    /** @param zone where a date without a time (a consent ending "2026-12-31") has its midnights */
    public ConsentPolicy(CareTeams careTeams, java.time.ZoneId zone) {
        this.careTeams = careTeams;
        this.zone = zone;
    }

    public ConsentDecision decide(List<Consent> consents, Recipient recipient, Resource record, Instant at) {
        Set<String> kinds = RecordKinds.of(record);
        ConsentDecision.Permit permit = null;
        for (Consent consent : consents) {
            String ref = "Consent/" + consent.getIdElement().getIdPart();
            if (!inForce(consent, at)) {
                continue;
            }
            Optional<Consent.ConsentProvisionType> outcome = evaluate(consent.getProvision(), recipient, kinds, at, true);
            if (outcome.isEmpty()) {
                continue;
            }
            if (outcome.get() == Consent.ConsentProvisionType.DENY) {
                return new ConsentDecision.Deny(ref, ref + " denies " + record.fhirType() + " to " + recipient.id());
            }
            if (permit == null) {
                permit = new ConsentDecision.Permit(ref, ref + " permits " + record.fhirType() + " to " + recipient.id());
            }
        }
        return permit != null ? permit : lapsed(consents, recipient, record, kinds, at).orElseGet(() ->
                new ConsentDecision.Deny(null, "no active consent permits " + record.fhirType() + " to " + recipient.id()));
    }

    /**
     * The true reason for a default deny when a consent would have permitted the record had it
     * still been in force: revoked (no longer active), ended, or not yet begun. Named so the
     * patient's disclosure report cites that consent, not "no active consent".
     */
    private Optional<ConsentDecision> lapsed(List<Consent> consents, Recipient recipient, Resource record,
            Set<String> kinds, Instant at) {
        for (Consent consent : consents) {
            if (inForce(consent, at) || !has(consent.getScope(), SCOPE, "patient-privacy")) {
                continue;
            }
            Period period = consent.getProvision().getPeriod();
            boolean ended = period != null && period.hasEnd() && !at.isBefore(endExclusive(period.getEndElement(), zone));
            boolean notYet = period != null && period.hasStart() && at.isBefore(startOf(period.getStartElement(), zone));
            // as it was while in force: just before its end, or when it begins
            Instant then = ended ? endExclusive(period.getEndElement(), zone).minusMillis(1)
                    : notYet ? startOf(period.getStartElement(), zone) : at;
            if (evaluate(consent.getProvision(), recipient, kinds, then, true)
                    .filter(t -> t == Consent.ConsentProvisionType.PERMIT).isEmpty()) {
                continue;
            }
            String ref = "Consent/" + consent.getIdElement().getIdPart();
            String why = consent.getStatus() != Consent.ConsentState.ACTIVE
                    ? ref + " was revoked (status " + (consent.getStatus() == null ? "none" : consent.getStatus().toCode()) + ")"
                    : ended ? ref + " ended on " + period.getEndElement().getValueAsString()
                    : notYet ? ref + " begins on " + period.getStartElement().getValueAsString()
                    : ref + " is not for treatment";
            return Optional.of(new ConsentDecision.Deny(ref, why + "; it permitted " + record.fhirType() + " to "
                    + recipient.id()));
        }
        return Optional.empty();
    }

    /** Active, patient-privacy, and (if it says) for treatment, now within its period. */
    boolean inForce(Consent consent, Instant at) {
        if (consent.getStatus() != Consent.ConsentState.ACTIVE || !has(consent.getScope(), SCOPE, "patient-privacy")) {
            return false;
        }
        Consent.ProvisionComponent root = consent.getProvision();
        if (!root.getPurpose().isEmpty() && root.getPurpose().stream().noneMatch(p -> ACT_REASON.equals(p.getSystem())
                && "TREAT".equals(p.getCode()))) {
            return false;
        }
        return within(root.getPeriod(), at);
    }

    private Optional<Consent.ConsentProvisionType> evaluate(Consent.ProvisionComponent provision, Recipient recipient,
            Set<String> kinds, Instant at, boolean root) {
        if (!matches(provision, recipient, kinds, at)) {
            return Optional.empty();
        }
        for (Consent.ProvisionComponent nested : provision.getProvision()) {
            Optional<Consent.ConsentProvisionType> exception = evaluate(nested, recipient, kinds, at, false);
            if (exception.isPresent()) {
                return exception;
            }
        }
        Consent.ConsentProvisionType type = provision.getType();
        if (type == null || type == Consent.ConsentProvisionType.NULL) {
            return root ? Optional.of(Consent.ConsentProvisionType.DENY) : Optional.empty();
        }
        return Optional.of(type);
    }

    private boolean matches(Consent.ProvisionComponent provision, Recipient recipient, Set<String> kinds, Instant at) {
        if (!within(provision.getPeriod(), at)) {
            return false;
        }
        if (!provision.getActor().isEmpty() && provision.getActor().stream().noneMatch(a -> isActor(
                a.getReference().getReference(), recipient, at))) {
            return false;
        }
        if (!provision.getClass_().isEmpty() && provision.getClass_().stream().noneMatch(c -> kinds.contains(
                c.getSystem() + "|" + c.getCode()))) {
            return false;
        }
        return provision.getPurpose().isEmpty() || provision.getPurpose().stream().anyMatch(p -> "TREAT".equals(p.getCode()));
    }

    private boolean isActor(String reference, Recipient recipient, Instant at) {
        if (reference == null) {
            return false;
        }
        if (reference.equals("Practitioner/" + recipient.id())) {
            return true;
        }
        if (reference.startsWith("CareTeam/")) {
            return careTeams.isMember(reference.substring("CareTeam/".length()), recipient.id(), at);
        }
        return recipient.organization() != null && reference.equals("Organization/" + recipient.organization());
    }

    boolean within(Period period, Instant at) {
        if (period == null || period.isEmpty()) {
            return true;
        }
        if (period.hasStart() && at.isBefore(startOf(period.getStartElement(), zone))) {
            return false;
        }
        return !period.hasEnd() || at.isBefore(endExclusive(period.getEndElement(), zone));
    }

    /** The first instant of a start: a date (month, year) begins at midnight in the hub's zone. */
    static Instant startOf(org.hl7.fhir.r4.model.DateTimeType start, java.time.ZoneId zone) {
        String text = start.getValueAsString();
        return switch (start.getPrecision()) {
            case YEAR -> java.time.Year.parse(text).atDay(1).atStartOfDay(zone).toInstant();
            case MONTH -> java.time.YearMonth.parse(text).atDay(1).atStartOfDay(zone).toInstant();
            case DAY -> java.time.LocalDate.parse(text).atStartOfDay(zone).toInstant();
            default -> start.getValue().toInstant();
        };
    }

    /** The first instant after an end: a date (month, year) lasts to its last midnight in the hub's zone. */
    static Instant endExclusive(org.hl7.fhir.r4.model.DateTimeType end, java.time.ZoneId zone) {
        String text = end.getValueAsString();
        return switch (end.getPrecision()) {
            case YEAR -> java.time.Year.parse(text).plusYears(1).atDay(1).atStartOfDay(zone).toInstant();
            case MONTH -> java.time.YearMonth.parse(text).plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
            case DAY -> java.time.LocalDate.parse(text).plusDays(1).atStartOfDay(zone).toInstant();
            case MINUTE -> end.getValue().toInstant().plusSeconds(60);
            case SECOND -> end.getValue().toInstant().plusSeconds(1);
            default -> end.getValue().toInstant().plusMillis(1);
        };
    }

    private static boolean has(List<CodeableConcept> concepts, String system, String code) {
        return concepts.stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> system.equals(c.getSystem())
                && code.equals(c.getCode()));
    }

    static boolean has(CodeableConcept concept, String system, String code) {
        for (Coding c : concept.getCoding()) {
            if (system.equals(c.getSystem()) && code.equals(c.getCode())) {
                return true;
            }
        }
        return false;
    }
}
