package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;

/**
 * ORC + RXO/RXE → MedicationRequest (with RXR routes and TQ1 timing); RXD → MedicationDispense;
 * RXA → Immunization (VXU, or a vaccine code) or MedicationAdministration.
 */
final class MedicationMappers {

    MedicationRequest request(Segment orc, Segment rx, MappingContext ctx) {
        boolean encoded = rx.name().equals("RXE");
        String orderKey = orc == null ? null : !orc.peek(2).isEmpty() ? orc.peek(2) : orc.peek(3);
        MedicationRequest mr = ctx.addStable(new MedicationRequest(), MappingContext.senderKey("medication-order",
                orderKey), rx.name() + "|" + rx.position());
        mr.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        mr.setSubject(ctx.requirePatientRef(rx));
        mr.setEncounter(ctx.encounterRef());
        String status = "active";
        if (orc != null) {
            OrderMappers.orderControl(orc, mr, ctx);
            OrderMappers.identifiers(mr.getIdentifier(), orc.field(2), orc.field(3), ctx);
            if (orc.has(4)) {
                mr.setGroupIdentifier(ctx.types.entityIdentifier(orc.field(4), "group"));
            }
            String requestStatus = OrderMappers.requestStatus(orc, ctx);
            status = switch (requestStatus) {
                case "revoked" -> "cancelled";
                case "on-hold", "completed", "entered-in-error", "draft", "unknown", "active" -> requestStatus;
                default -> "unknown";
            };
            DateTimeType authored = ctx.types.dateTime(orc, 9);
            if (authored != null) {
                mr.setAuthoredOnElement(authored);
            }
            for (Composite xcn : orc.all(12)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null && !mr.hasRequester()) {
                    mr.setRequester(r);
                }
            }
            if (orc.has(16)) {
                mr.addReasonCode(ctx.types.concept(orc.field(16)));
            }
        }
        mr.setStatus(MedicationRequest.MedicationRequestStatus.fromCode(status));
        int give = encoded ? 2 : 1;
        CodeableConcept medication = ctx.types.concept(rx.field(give));
        mr.setMedication(medication != null ? medication : new CodeableConcept().setText("unspecified medication"));
        Dosage dosage = mr.addDosageInstruction();
        Quantity min = ctx.types.quantity(rx.text(give + 1), rx.field(encoded ? 5 : 4));
        Quantity max = ctx.types.quantity(rx.text(give + 2), rx.field(encoded ? 5 : 4));
        if (min != null && max != null && max.getValue().compareTo(min.getValue()) != 0) {
            dosage.addDoseAndRate().setDose(new org.hl7.fhir.r4.model.Range().setLow(simple(min)).setHigh(simple(max)));
        } else if (min != null) {
            dosage.addDoseAndRate().setDose(simple(min));
        }
        int form = encoded ? 6 : 5;
        if (rx.has(form)) {
            dosage.addAdditionalInstruction(ctx.types.concept(rx.field(form)));
        }
        StringBuilder text = new StringBuilder();
        for (int field : encoded ? new int[] {7, 21} : new int[] {6, 7}) {
            for (Composite instruction : rx.all(field)) {
                text.append(text.length() == 0 ? "" : "; ").append(instruction.text(2).isEmpty()
                        ? instruction.decoded() : instruction.text(2));
            }
        }
        if (text.length() > 0) {
            dosage.setText(text.toString());
        }
        int dispense = encoded ? 10 : 11;
        Quantity dispenseAmount = ctx.types.quantity(rx.text(dispense), rx.field(dispense + 1));
        if (dispenseAmount != null) {
            mr.getDispenseRequest().setQuantity(simple(dispenseAmount));
        }
        int refills = encoded ? 12 : 13;
        if (VTypes.isInteger(rx.text(refills))) {
            mr.getDispenseRequest().setNumberOfRepeatsAllowed(Integer.parseInt(rx.text(refills)));
        }
        for (Composite provider : rx.all(encoded ? 13 : 14)) {
            Reference r = ctx.types.practitioner(provider);
            if (r != null && !mr.hasRequester()) {
                mr.setRequester(r);
            }
        }
        if (encoded && rx.has(15)) {
            mr.addIdentifier().setSystem("urn:harbour:id:" + CodeSystems.token(ctx.sender) + ":prescription")
                    .setValue(rx.text(15));
        }
        for (Composite indication : rx.all(encoded ? 27 : 20)) {
            mr.addReasonCode(ctx.types.concept(indication));
        }
        String substitution = rx.text(9);
        if (!substitution.isEmpty()) {
            // HL7 table 0161: N not allowed, G generic, T therapeutic; kept as the code it is
            CodeableConcept allowed = new CodeableConcept(ctx.types.tableCoding(
                    "http://terminology.hl7.org/CodeSystem/v2-0161", "HL70161", substitution));
            allowed.setText(substitution.equals("N") ? "substitution not allowed" : "substitution allowed");
            mr.getSubstitution().setAllowed(allowed);
        }
        return mr;
    }

    /** RXR → route, site, method on the dosage of the current medication resource. */
    void route(Segment rxr, Dosage dosage, MappingContext ctx) {
        if (rxr.has(1)) {
            dosage.setRoute(ctx.types.concept(rxr.field(1)));
        }
        if (rxr.has(2)) {
            dosage.setSite(ctx.types.concept(rxr.field(2)));
        }
        if (rxr.has(4)) {
            dosage.setMethod(ctx.types.concept(rxr.field(4)));
        }
        if (rxr.has(3)) {
            dosage.addAdditionalInstruction(ctx.types.concept(rxr.field(3)));
        }
    }

    MedicationDispense dispense(Segment rxd, MedicationRequest request, MappingContext ctx) {
        rxd.consumed(1);
        MedicationDispense md = ctx.add(new MedicationDispense(), "RXD|" + rxd.position());
        md.setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED);
        md.setSubject(ctx.requirePatientRef(rxd));
        CodeableConcept medication = ctx.types.concept(rxd.field(2));
        md.setMedication(medication != null ? medication : new CodeableConcept().setText("unspecified medication"));
        DateTimeType handed = ctx.types.dateTime(rxd, 3);
        if (handed != null) {
            md.setWhenHandedOverElement(handed);
        }
        Quantity amount = ctx.types.quantity(rxd.text(4), rxd.field(5));
        if (amount != null) {
            md.setQuantity(simple(amount));
        }
        if (rxd.has(6)) {
            md.setType(ctx.types.concept(rxd.field(6)));
        }
        if (rxd.has(7)) {
            md.addIdentifier().setSystem("urn:harbour:id:" + CodeSystems.token(ctx.sender) + ":prescription")
                    .setValue(rxd.text(7));
        }
        for (Composite note : rxd.all(9)) {
            md.addNote().setText(note.decoded());
        }
        for (Composite provider : rxd.all(10)) {
            Reference r = ctx.types.practitioner(provider);
            if (r != null) {
                md.addPerformer().setActor(r);
            }
        }
        if (request != null) {
            md.addAuthorizingPrescription(MappingContext.ref(request));
        }
        return md;
    }

    /** RXA → Immunization. */
    Immunization immunization(Segment rxa, Segment orc, MappingContext ctx) {
        rxa.consumed(1, 2);
        Immunization im = ctx.addStable(new Immunization(), ctx.patientRecordKey("vaccination",
                MappingContext.codeKey(rxa, 5), rxa.peek(3)), "RXA|" + rxa.position());
        im.setPatient(ctx.requirePatientRef(rxa));
        im.setEncounter(ctx.encounterRef());
        CodeableConcept vaccine = ctx.types.concept(rxa.field(5));
        im.setVaccineCode(vaccine != null ? vaccine : new CodeableConcept().setText("unspecified vaccine"));
        String completion = rxa.text(20);
        String status = ctx.table("immunization-status").codeOrFallback(completion);
        if (rxa.field(5).text(1).equals("998")) {
            status = "not-done";
        }
        if (rxa.text(21).equals("D")) {
            status = "entered-in-error";
        }
        im.setStatus(Immunization.ImmunizationStatus.fromCode(status));
        DateTimeType given = ctx.types.dateTime(rxa, 3);
        if (given != null) {
            im.setOccurrence(given);
        } else {
            im.setOccurrence(new org.hl7.fhir.r4.model.StringType("unknown"));
            ctx.report.warning(MappingContext.at(rxa, 3), "administration time missing or invalid");
        }
        String amount = rxa.text(6);
        if (!amount.isEmpty() && !amount.equals("999")) {
            Quantity dose = ctx.types.quantity(amount, rxa.field(7));
            if (dose != null) {
                im.setDoseQuantity(simple(dose));
            }
        }
        for (Composite note : rxa.all(9)) {
            String code = note.text(1);
            if (code.equals("00")) {
                im.setPrimarySource(true);
            } else if (code.equals("01")) {
                im.setPrimarySource(false);
            }
            im.addNote().setText(note.text(2).isEmpty() ? note.decoded() : note.text(2));
        }
        for (Composite provider : rxa.all(10)) {
            Reference r = ctx.types.practitioner(provider);
            if (r != null) {
                im.addPerformer().setActor(r);
            }
        }
        if (rxa.has(11)) {
            im.setLocation(ctx.types.location(rxa.field(11)));
        }
        if (rxa.has(15)) {
            im.setLotNumber(rxa.text(15));
        }
        var expiry = ctx.types.date(rxa, 16);
        if (expiry != null) {
            im.setExpirationDateElement(expiry);
        }
        if (rxa.has(17)) {
            im.setManufacturer(ctx.types.organization(rxa.field(17).text(2), rxa.field(17).text(1)));
        }
        if (rxa.has(18)) {
            im.setStatusReason(ctx.types.concept(rxa.field(18)));
        }
        for (Composite indication : rxa.all(19)) {
            im.addReasonCode(ctx.types.concept(indication));
        }
        DateTimeType recorded = ctx.types.dateTime(rxa, 22);
        if (recorded != null) {
            im.setRecordedElement(recorded);
        }
        if (orc != null) {
            OrderMappers.orderControl(orc, im, ctx);
            // the order numbers name the vaccination in the sender's system (V2-to-FHIR: Immunization.identifier)
            OrderMappers.identifiers(im.getIdentifier(), orc.field(2), orc.field(3), ctx);
            for (Composite xcn : orc.all(12)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null) {
                    im.addPerformer().setActor(r).getFunction().addCoding()
                            .setSystem("http://terminology.hl7.org/CodeSystem/v2-0443").setCode("OP");
                }
            }
            for (int field : new int[] {10, 11}) {
                for (Composite xcn : orc.all(field)) {
                    Reference r = ctx.types.practitioner(xcn);
                    if (r != null) {
                        // entered by (ORC-10) and verified by (ORC-11): V2-to-FHIR maps both to a performer
                        im.addPerformer().setActor(r).getFunction().setText(field == 10 ? "entered by" : "verified by");
                    }
                }
            }
        }
        return im;
    }

    /** RXA outside a vaccination message → MedicationAdministration. */
    MedicationAdministration administration(Segment rxa, MedicationRequest request, MappingContext ctx) {
        rxa.consumed(1, 2);
        MedicationAdministration ma = ctx.addStable(new MedicationAdministration(), ctx.patientRecordKey("administration",
                MappingContext.codeKey(rxa, 5), rxa.peek(3)), "RXA|" + rxa.position());
        ma.setSubject(ctx.requirePatientRef(rxa));
        ma.setContext(ctx.encounterRef());
        CodeableConcept medication = ctx.types.concept(rxa.field(5));
        ma.setMedication(medication != null ? medication : new CodeableConcept().setText("unspecified medication"));
        String completion = rxa.text(20);
        ma.setStatus(switch (completion) {
            case "RE", "NA" -> MedicationAdministration.MedicationAdministrationStatus.NOTDONE;
            case "PA" -> MedicationAdministration.MedicationAdministrationStatus.STOPPED;
            default -> rxa.text(21).equals("D") ? MedicationAdministration.MedicationAdministrationStatus.ENTEREDINERROR
                    : MedicationAdministration.MedicationAdministrationStatus.COMPLETED;
        });
        DateTimeType start = ctx.types.dateTime(rxa, 3);
        DateTimeType end = ctx.types.dateTime(rxa, 4);
        if (start != null && end != null && !start.getValueAsString().equals(end.getValueAsString())) {
            ma.setEffective(new org.hl7.fhir.r4.model.Period().setStartElement(start).setEndElement(end));
        } else if (start != null) {
            ma.setEffective(start);
        } else {
            ma.setEffective(ctx.types.dateTime(ctx.message.msh(), 7));
            ctx.report.warning(MappingContext.at(rxa, 3), "administration time missing or invalid; the message time is used");
        }
        Quantity dose = ctx.types.quantity(rxa.text(6), rxa.field(7));
        if (dose != null) {
            ma.getDosage().setDose(simple(dose));
        }
        for (Composite note : rxa.all(9)) {
            ma.addNote().setText(note.text(2).isEmpty() ? note.decoded() : note.text(2));
        }
        for (Composite provider : rxa.all(10)) {
            Reference r = ctx.types.practitioner(provider);
            if (r != null) {
                ma.addPerformer().setActor(r);
            }
        }
        for (Composite reason : rxa.all(19)) {
            ma.addReasonCode(ctx.types.concept(reason));
        }
        if (rxa.has(18)) {
            ma.addStatusReason(ctx.types.concept(rxa.field(18)));
        }
        if (request != null) {
            ma.setRequest(MappingContext.ref(request));
        }
        return ma;
    }

    static SimpleQuantity simple(Quantity q) {
        SimpleQuantity s = new SimpleQuantity();
        s.setValue(q.getValue()).setUnit(q.getUnit()).setSystem(q.getSystem()).setCode(q.getCode());
        return s;
    }
}
