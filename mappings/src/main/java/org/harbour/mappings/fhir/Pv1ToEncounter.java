package org.harbour.mappings.fhir;

import org.harbour.mappings.codes.CodeTable;
import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 → Encounter (class, status from the trigger event, locations, practitioners, visit
 * number, admit/discharge times, hospital service, discharge disposition); PV2 → reason,
 * expected dates, as far as FHIR has a place for them.
 */
final class Pv1ToEncounter {

    private static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    Encounter map(Segment pv1, MappingContext ctx) {
        pv1.consumed(1);
        // a visit number (PV1-19) names the same encounter in every message about it
        String visitKey = pv1.field(19).text(1).isEmpty() ? null : "visit|" + pv1.field(19).raw();
        Encounter encounter = ctx.addStable(new Encounter(), visitKey, "PV1|" + pv1.position());
        CodeTable classes = ctx.table("encounter-class");
        String patientClass = pv1.text(2);
        CodeTable.Target cls = classes.map(patientClass).orElse(classes.map("O").orElseThrow());
        encounter.setClass_(new Coding().setSystem(cls.system()).setCode(cls.code()).setDisplay(cls.display()));
        if (!patientClass.isEmpty() && classes.map(patientClass).isEmpty()) {
            ctx.report.warning(MappingContext.at(pv1, 2), "unknown patient class '" + patientClass + "'; ambulatory assumed");
        }
        String status = ctx.table("encounter-status").codeOrFallback(ctx.trigger);
        if (!pv1.text(45).isEmpty() && !status.equals("cancelled")) {
            status = "finished";
        }
        encounter.setStatus(Encounter.EncounterStatus.fromCode(status));
        if (ctx.patient != null) {
            encounter.setSubject(ctx.patientRef());
        }
        location(encounter, pv1.field(3), Encounter.EncounterLocationStatus.ACTIVE, ctx);
        if (pv1.has(4)) {
            encounter.addType(ctx.types.v2Code(pv1.text(4), "0007"));
        }
        if (pv1.has(5)) {
            encounter.addIdentifier(ctx.types.identifier(pv1.field(5), pv1, 5));
        }
        location(encounter, pv1.field(6), Encounter.EncounterLocationStatus.COMPLETED, ctx);
        participants(encounter, pv1, 7, "ATND", "attender", ctx);
        participants(encounter, pv1, 8, "REF", "referrer", ctx);
        participants(encounter, pv1, 9, "CON", "consultant", ctx);
        if (pv1.has(10)) {
            encounter.setServiceType(ctx.types.concept(pv1.field(10)));
        }
        location(encounter, pv1.field(11), Encounter.EncounterLocationStatus.RESERVED, ctx);
        if (pv1.has(13)) {
            encounter.getHospitalization().setReAdmission(new CodeableConcept().setText("readmission " + pv1.text(13)));
        }
        if (pv1.has(14)) {
            encounter.getHospitalization().setAdmitSource(ctx.types.concept(pv1.field(14)));
        }
        if (pv1.has(16)) {
            encounter.getHospitalization().addSpecialArrangement(ctx.types.concept(pv1.field(16)));
        }
        participants(encounter, pv1, 17, "ADM", "admitter", ctx);
        if (pv1.has(18)) {
            encounter.addType(ctx.types.concept(pv1.field(18)));
        }
        if (pv1.has(19)) {
            var visit = ctx.types.identifier(pv1.field(19), pv1, 19);
            visit.setType(new CodeableConcept().addCoding(new Coding()
                    .setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("VN")));
            encounter.addIdentifier(visit);
        }
        if (pv1.has(36)) {
            encounter.getHospitalization().setDischargeDisposition(ctx.types.concept(pv1.field(36)));
        }
        if (pv1.has(37)) {
            encounter.getHospitalization().setDestination(ctx.types.location(pv1.field(37)));
        }
        location(encounter, pv1.field(42), Encounter.EncounterLocationStatus.PLANNED, ctx);
        location(encounter, pv1.field(43), Encounter.EncounterLocationStatus.COMPLETED, ctx);
        var start = ctx.types.dateTime(pv1, 44);
        var end = ctx.types.dateTime(pv1, 45);
        if (start != null) {
            encounter.getPeriod().setStartElement(start);
        }
        if (end != null) {
            encounter.getPeriod().setEndElement(end);
        }
        if (pv1.has(50)) {
            encounter.addIdentifier(ctx.types.identifier(pv1.field(50), pv1, 50));
        }
        for (Composite other : pv1.all(52)) {
            Reference r = ctx.types.practitioner(other);
            if (r != null) {
                encounter.addParticipant().setIndividual(r);
            }
        }
        if (start != null && end != null && start.getValue().after(end.getValue())) {
            encounter.getPeriod().setEndElement(null);
            ctx.report.warning(MappingContext.at(pv1, 45), "discharge before admission; discharge time not mapped");
        }
        return encounter;
    }

    /** PV2 → Encounter reason, length of stay, expected dates. */
    void pv2(Segment pv2, Encounter encounter, MappingContext ctx) {
        location(encounter, pv2.field(1), Encounter.EncounterLocationStatus.PLANNED, ctx);
        if (pv2.has(3)) {
            encounter.addReasonCode(ctx.types.concept(pv2.field(3)));
        }
        if (pv2.has(12)) {
            encounter.addReasonCode(new CodeableConcept().setText(pv2.text(12)));
        }
        if (pv2.has(11) && VTypes.isInteger(pv2.text(11))) {
            encounter.getLength().setValue(Integer.parseInt(pv2.text(11))).setUnit("days")
                    .setSystem(CodeSystems.UCUM).setCode("d");
        }
        if (pv2.has(25)) {
            encounter.setPriority(ctx.types.concept(pv2.field(25)));
        }
    }

    private static void location(Encounter encounter, Composite pl, Encounter.EncounterLocationStatus status,
            MappingContext ctx) {
        Reference location = ctx.types.location(pl);
        if (location != null) {
            encounter.addLocation().setLocation(location).setStatus(status);
        }
    }

    private static void participants(Encounter encounter, Segment pv1, int field, String code, String display,
            MappingContext ctx) {
        for (Composite xcn : pv1.all(field)) {
            Reference r = ctx.types.practitioner(xcn);
            if (r != null) {
                encounter.addParticipant().setIndividual(r).addType().addCoding()
                        .setSystem(PARTICIPANT_TYPE).setCode(code).setDisplay(display);
            }
        }
    }
}
