package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;

/**
 * AL1 / IAM → AllergyIntolerance; DG1 → Condition (encounter diagnosis); PRB → Condition
 * (problem-list item); PR1 → Procedure.
 */
final class ClinicalMappers {

    private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    private static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

    AllergyIntolerance allergy(Segment al1, MappingContext ctx) {
        al1.consumed(1);
        boolean iam = al1.name().equals("IAM");
        AllergyIntolerance a = ctx.addStable(new AllergyIntolerance(), ctx.patientRecordKey("allergy",
                MappingContext.codeKey(al1, 3), ""), al1.name() + "|" + al1.position());
        a.setPatient(ctx.requirePatientRef(al1));
        a.getClinicalStatus().addCoding().setSystem(CLINICAL).setCode("active");
        a.getVerificationStatus().addCoding().setSystem(VERIFICATION).setCode("confirmed");
        String type = al1.peekField(2).text(1);
        var category = ctx.table("allergy-category").map(type);
        if (category.isPresent()) {
            al1.field(2).text(1);
            a.addCategory(AllergyIntolerance.AllergyIntoleranceCategory.fromCode(category.get().code()));
        } else if (!type.isEmpty()) {
            ctx.report.warning(MappingContext.at(al1, 2), "allergen type '" + type + "' has no FHIR category; not mapped");
        }
        if (!type.isEmpty()) {
            a.setType(AllergyIntolerance.AllergyIntoleranceType.ALLERGY);
        }
        CodeableConcept code = ctx.types.concept(al1.field(3));
        a.setCode(code);
        String severity = al1.field(4).text(1);
        ctx.table("allergy-criticality").map(severity)
                .ifPresent(t -> a.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.fromCode(t.code())));
        for (Composite reaction : al1.all(5)) {
            AllergyIntolerance.AllergyIntoleranceReactionComponent r = a.addReaction();
            r.addManifestation(new CodeableConcept().setText(reaction.decoded()));
            if (severity.equals("SV")) {
                r.setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.SEVERE);
            } else if (severity.equals("MO")) {
                r.setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.MODERATE);
            } else if (severity.equals("MI")) {
                r.setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.MILD);
            }
        }
        DateTimeType identified = iam ? ctx.types.dateTime(al1, 11) : ctx.types.dateTime(al1, 6);
        if (identified != null) {
            a.setOnset(identified);
        }
        if (iam) {
            String action = al1.field(6).text(1);
            if (action.equals("D")) {
                a.getClinicalStatus().getCodingFirstRep().setCode("inactive");
            } else if (action.equals("X")) {
                a.getVerificationStatus().getCodingFirstRep().setCode("entered-in-error");
                a.setClinicalStatus(null);
            }
            if (al1.has(7)) {
                a.addIdentifier(ctx.types.entityIdentifier(al1.field(7), "allergy"));
            }
            for (int field : new int[] {8, 9, 12}) {
                if (al1.has(field)) {
                    a.addNote().setText(al1.field(field).decoded());
                }
            }
            var reported = ctx.types.dateTime(al1, 13);
            if (reported != null) {
                a.setRecordedDateElement(reported);
            }
            if (al1.has(14)) {
                a.addNote().setText("reported by " + al1.field(14).decoded());
            }
            if (al1.field(17).text(1).equals("U")) {
                a.getVerificationStatus().getCodingFirstRep().setCode("unconfirmed");
            }
        }
        if (code == null) {
            a.setCode(new CodeableConcept().setText("unspecified allergen"));
            ctx.report.warning(MappingContext.at(al1, 3), "allergy without allergen code");
        }
        return a;
    }

    Condition diagnosis(Segment dg1, MappingContext ctx) {
        dg1.consumed(1);
        String key = !dg1.peek(20).isEmpty() ? MappingContext.senderKey("diagnosis", dg1.peek(20)) : ctx.patientRecordKey("diagnosis",
                MappingContext.codeKey(dg1, 3), dg1.peek(5) + "|" + dg1.peek(6));
        Condition c = ctx.addStable(new Condition(), key, "DG1|" + dg1.position());
        c.setSubject(ctx.requirePatientRef(dg1));
        c.setEncounter(ctx.encounterRef());
        CodeableConcept code = ctx.types.concept(dg1.field(3));
        if (code == null && dg1.has(4)) {
            code = new CodeableConcept().setText(dg1.text(4));
        } else if (code != null && dg1.has(4) && !code.hasText()) {
            code.setText(dg1.text(4));
        }
        c.setCode(code);
        c.addCategory().addCoding().setSystem(CONDITION_CATEGORY).setCode("encounter-diagnosis")
                .setDisplay("Encounter Diagnosis");
        if (dg1.has(6)) {
            c.addExtension("urn:harbour:extension:v2-diagnosis-type", ctx.types.v2Code(dg1.text(6), "0052"));
        }
        c.getClinicalStatus().addCoding().setSystem(CONDITION_CLINICAL).setCode("active");
        DateTimeType when = ctx.types.dateTime(dg1, 5);
        if (when != null) {
            c.setRecordedDateElement(when);
        }
        for (Composite clinician : dg1.all(16)) {
            Reference r = ctx.types.practitioner(clinician);
            if (r != null) {
                c.setAsserter(r);
            }
        }
        if (dg1.has(15)) {
            c.addNote().setText("diagnosis priority " + dg1.text(15));
        }
        if (dg1.has(20)) {
            c.addIdentifier(ctx.types.entityIdentifier(dg1.field(20), "diagnosis"));
        }
        if (dg1.has(21)) {
            ctx.report.info(MappingContext.at(dg1, 21), "diagnosis action code '" + dg1.peekField(21).text(1) + "'");
        }
        if (dg1.peekField(21).text(1).equals("D")) {
            c.getVerificationStatus().addCoding().setSystem(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("entered-in-error");
            c.setClinicalStatus(null);
        }
        if (code == null) {
            c.setCode(new CodeableConcept().setText("unspecified diagnosis"));
            ctx.report.warning(MappingContext.at(dg1, 3), "diagnosis without a code");
        }
        return c;
    }

    Condition problem(Segment prb, MappingContext ctx) {
        String key = !prb.peek(4).isEmpty() ? MappingContext.senderKey("problem", prb.peek(4)) : ctx.patientRecordKey("problem",
                MappingContext.codeKey(prb, 3), prb.peek(7));
        Condition c = ctx.addStable(new Condition(), key, "PRB|" + prb.position());
        c.setSubject(ctx.requirePatientRef(prb));
        c.setEncounter(ctx.encounterRef());
        if (prb.has(4)) {
            c.addIdentifier(ctx.types.entityIdentifier(prb.field(4), "problem"));
        }
        c.setCode(ctx.types.concept(prb.field(3)));
        c.addCategory().addCoding().setSystem(CONDITION_CATEGORY).setCode("problem-list-item")
                .setDisplay("Problem List Item");
        String action = prb.peekField(1).text(1);
        if (!action.isEmpty()) {
            ctx.report.info(MappingContext.at(prb, 1), "problem action code '" + action + "'");
        }
        boolean resolved = prb.has(9) || prb.has(10);
        c.getClinicalStatus().addCoding().setSystem(CONDITION_CLINICAL).setCode(resolved ? "resolved" : "active");
        if (action.equals("DE")) {
            c.getVerificationStatus().addCoding().setSystem(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("entered-in-error");
            c.setClinicalStatus(null);
        }
        DateTimeType recorded = ctx.types.dateTime(prb, 2);
        if (recorded != null) {
            c.setRecordedDateElement(recorded);
        }
        DateTimeType onset = ctx.types.dateTime(prb, 16);
        if (onset != null) {
            c.setOnset(onset);
        }
        DateTimeType resolvedAt = ctx.types.dateTime(prb, 9);
        if (resolvedAt != null) {
            c.setAbatement(resolvedAt);
        }
        for (int field : new int[] {5, 6, 7}) {
            if (prb.has(field)) {
                c.addNote().setText(prb.field(field).decoded());
            }
        }
        if (prb.has(14) && !action.equals("DE")) {
            String confirmation = switch (prb.field(14).text(1)) {
                case "C" -> "confirmed";
                case "P" -> "provisional";
                case "D" -> "differential";
                case "R" -> "refuted";
                default -> "unconfirmed";
            };
            c.getVerificationStatus().addCoding().setSystem(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode(confirmation);
        }
        if (!c.hasCode()) {
            c.setCode(new CodeableConcept().setText("unspecified problem"));
            ctx.report.warning(MappingContext.at(prb, 3), "problem without a code");
        }
        return c;
    }

    /** ROL → PractitionerRole (who, in what role, when), joined to the encounter when there is one. */
    org.hl7.fhir.r4.model.PractitionerRole role(Segment rol, MappingContext ctx) {
        org.hl7.fhir.r4.model.PractitionerRole role = ctx.add(new org.hl7.fhir.r4.model.PractitionerRole(),
                "ROL|" + rol.position());
        if (rol.has(1)) {
            role.addIdentifier(ctx.types.entityIdentifier(rol.field(1), "role"));
        }
        role.setActive(!rol.text(2).equals("DE"));
        CodeableConcept code = ctx.types.concept(rol.field(3));
        if (code != null) {
            role.addCode(code);
        }
        Reference person = ctx.types.practitioner(rol.field(4));
        if (person != null) {
            role.setPractitioner(person);
        }
        DateTimeType begin = ctx.types.dateTime(rol, 5);
        DateTimeType end = ctx.types.dateTime(rol, 6);
        if (begin != null) {
            role.getPeriod().setStartElement(begin);
        }
        if (end != null) {
            role.getPeriod().setEndElement(end);
        }
        for (int field : new int[] {9, 10}) {
            if (rol.has(field)) {
                role.addSpecialty(ctx.types.concept(rol.field(field)));
            }
        }
        for (Composite xtn : rol.all(12)) {
            var telecom = ctx.types.telecom(xtn, null);
            if (telecom != null) {
                role.addTelecom(telecom);
            }
        }
        if (ctx.encounter != null) {
            ctx.encounter.addParticipant().setIndividual(MappingContext.ref(role));
        }
        return role;
    }

    Procedure procedure(Segment pr1, MappingContext ctx) {
        pr1.consumed(1);
        Procedure p = ctx.addStable(new Procedure(), ctx.patientRecordKey("procedure",
                MappingContext.codeKey(pr1, 3), pr1.peek(5)), "PR1|" + pr1.position());
        p.setSubject(ctx.requirePatientRef(pr1));
        p.setEncounter(ctx.encounterRef());
        p.setStatus(Procedure.ProcedureStatus.COMPLETED);
        CodeableConcept code = ctx.types.concept(pr1.field(3));
        if (code == null && pr1.has(4)) {
            code = new CodeableConcept().setText(pr1.text(4));
        } else if (code != null && pr1.has(4) && !code.hasText()) {
            code.setText(pr1.text(4));
        }
        p.setCode(code != null ? code : new CodeableConcept().setText("unspecified procedure"));
        DateTimeType when = ctx.types.dateTime(pr1, 5);
        if (when != null) {
            p.setPerformed(when);
        }
        if (pr1.has(6)) {
            p.setCategory(ctx.types.v2Code(pr1.text(6), "0230"));
        }
        if (pr1.has(7) && VTypes.isInteger(pr1.text(7))) {
            p.addNote().setText("procedure minutes " + pr1.text(7));
        }
        for (int field : new int[] {8, 11, 12}) {
            for (Composite xcn : pr1.all(field)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null) {
                    p.addPerformer().setActor(r);
                }
            }
        }
        if (pr1.has(15)) {
            p.addReasonCode(ctx.types.concept(pr1.field(15)));
        }
        for (Composite modifier : pr1.all(16)) {
            p.addNote().setText("modifier " + modifier.decoded());
        }
        if (pr1.has(19)) {
            p.addIdentifier(ctx.types.entityIdentifier(pr1.field(19), "procedure"));
        }
        if (pr1.text(20).equals("D")) {
            p.setStatus(Procedure.ProcedureStatus.ENTEREDINERROR);
        }
        return p;
    }
}
