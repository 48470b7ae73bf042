package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;

/**
 * TXA (+ the OBX content lines that follow) → DocumentReference; SCH (+ AIS/AIG/AIL/AIP) →
 * Appointment; IN1 → Coverage; FT1 → ChargeItem.
 */
final class DocumentAndScheduleMappers {

    DocumentReference document(Segment txa, MappingContext ctx) {
        txa.consumed(1);
        DocumentReference doc = ctx.addStable(new DocumentReference(), MappingContext.senderKey("document", txa.peek(12)),
                "TXA|" + txa.position());
        doc.setSubject(ctx.requirePatientRef(txa));
        String availability = txa.text(19);
        doc.setStatus(availability.equals("OB") || availability.equals("RE")
                ? Enumerations.DocumentReferenceStatus.SUPERSEDED : Enumerations.DocumentReferenceStatus.CURRENT);
        if (txa.text(17).equals("CA") || ctx.trigger.equals("T11")) {
            doc.setStatus(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        }
        ctx.table("document-status").map(txa.text(17))
                .ifPresent(t -> doc.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(t.code())));
        CodeableConcept type = ctx.types.concept(txa.field(2));
        doc.setType(type != null ? type : new CodeableConcept().setText("document"));
        if (txa.has(3)) {
            doc.getContentFirstRep().getAttachment().setContentType(switch (txa.text(3)) {
                case "TX", "FT" -> "text/plain";
                case "AP" -> "application/octet-stream";
                default -> null;
            });
        }
        DateTimeType activity = ctx.types.dateTime(txa, 4);
        if (activity != null) {
            doc.getContext().getPeriod().setStartElement(activity);
        }
        for (int field : new int[] {5, 9, 10}) {
            for (Composite xcn : txa.all(field)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null) {
                    if (field == 10) {
                        doc.setAuthenticator(r);
                    } else {
                        doc.addAuthor(r);
                    }
                }
            }
        }
        var created = ctx.types.instant(txa.text(6).isEmpty() ? txa.text(7) : txa.text(6));
        if (created != null) {
            doc.setDateElement(created);
        } else {
            txa.consumed(6, 7);
        }
        if (txa.has(12)) {
            doc.setMasterIdentifier(ctx.types.entityIdentifier(txa.field(12), "document"));
        }
        if (txa.has(13)) {
            doc.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES)
                    .setTarget(new Reference().setIdentifier(ctx.types.entityIdentifier(txa.field(13), "document")));
        }
        for (Composite order : txa.all(14)) {
            doc.addIdentifier(ctx.types.entityIdentifier(order, "placer"));
        }
        for (Composite order : txa.all(15)) {
            doc.addIdentifier(ctx.types.entityIdentifier(order, "filler"));
        }
        if (txa.has(16)) {
            doc.getContentFirstRep().getAttachment().setTitle(txa.text(16));
        }
        if (txa.has(18)) {
            doc.addSecurityLabel(ctx.types.v2Code(txa.text(18), "0272"));
        }
        for (Composite note : txa.all(23)) {
            doc.setDescription(note.decoded());
        }
        // a document without a visit (no PV1) has no encounter
        Reference encounter = ctx.encounterRef();
        if (encounter != null && encounter.hasReference()) {
            doc.getContext().addEncounter(encounter);
        }
        txa.consumed(8, 11, 20, 21, 22, 24, 25, 26, 27, 28);
        return doc;
    }

    /** An OBX line of a document: text appended, or an attachment (ED). */
    void content(Segment obx, DocumentReference doc, StringBuilder text, MappingContext ctx) {
        obx.consumed(1, 2, 3, 4, 11);
        String type = obx.text(2);
        if (type.equals("ED")) {
            for (Composite ed : obx.all(5)) {
                Attachment a = ObxToObservation.attachment(ed, obx, ctx);
                doc.addContent().setAttachment(a);
            }
            return;
        }
        for (Composite line : obx.all(5)) {
            text.append(line.decoded()).append('\n');
        }
        obx.consumed(5);
    }

    /** Finishes a document: the text lines become its first attachment's data. */
    void finish(DocumentReference doc, StringBuilder text) {
        DocumentReference.DocumentReferenceContentComponent first = doc.getContentFirstRep();
        if (text.length() > 0) {
            Attachment a = first.getAttachment();
            if (a.hasData()) {
                a = doc.addContent().getAttachment();
            }
            a.setContentType("text/plain; charset=utf-8");
            a.setData(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        doc.getContent().removeIf(c -> !c.getAttachment().hasData() && !c.getAttachment().hasUrl());
        if (doc.getContent().isEmpty()) {
            doc.addContent().getAttachment().setContentType("text/plain").setTitle("no content in the message");
        }
        for (DocumentReference.DocumentReferenceContentComponent c : doc.getContent()) {
            if (!c.getAttachment().hasContentType()) {
                c.getAttachment().setContentType("application/octet-stream");
            }
        }
    }

    Appointment appointment(Segment sch, MappingContext ctx) {
        Appointment ap = ctx.addStable(new Appointment(), MappingContext.senderKey("appointment",
                !sch.peek(2).isEmpty() ? sch.peek(2) : sch.peek(1)), "SCH|" + sch.position());
        if (sch.has(1)) {
            ap.addIdentifier(ctx.types.entityIdentifier(sch.field(1), "appointment-placer"));
        }
        if (sch.has(2)) {
            ap.addIdentifier(ctx.types.entityIdentifier(sch.field(2), "appointment-filler"));
        }
        String filler = sch.field(25).text(1).toUpperCase(java.util.Locale.ROOT);
        String status = ctx.table("appointment-status").map(filler).map(t -> t.code())
                .orElse(ctx.table("appointment-trigger-status").codeOrFallback(ctx.trigger));
        ap.setStatus(Appointment.AppointmentStatus.fromCode(status));
        if (ap.getStatus() == Appointment.AppointmentStatus.CANCELLED && sch.has(6)) {
            ap.setCancelationReason(ctx.types.concept(sch.field(6)));
        } else if (sch.has(6)) {
            ap.addReasonCode(ctx.types.concept(sch.field(6)));
        }
        if (sch.has(7)) {
            ap.addReasonCode(ctx.types.concept(sch.field(7)));
        }
        if (sch.has(8)) {
            ap.setAppointmentType(ctx.types.concept(sch.field(8)));
        }
        if (sch.has(9) && VTypes.isInteger(sch.text(9))) {
            ap.setMinutesDuration(Integer.parseInt(sch.text(9)) * ("H".equalsIgnoreCase(sch.field(10).text(1))
                    || "HR".equalsIgnoreCase(sch.field(10).text(1)) ? 60 : 1));
        }
        sch.consumed(10);
        Composite timing = sch.field(11);
        if (!timing.isEmpty()) {
            var start = ctx.types.instant(timing.text(4));
            var end = ctx.types.instant(timing.text(5));
            if (start != null) {
                ap.setStartElement(start);
            }
            if (end != null) {
                ap.setEndElement(end);
            }
        }
        for (int field : new int[] {12, 16, 20}) {
            for (Composite person : sch.all(field)) {
                Reference r = ctx.types.practitioner(person);
                if (r != null) {
                    ap.addParticipant().setActor(r).setStatus(Appointment.ParticipationStatus.ACCEPTED);
                }
            }
        }
        if (sch.has(5)) {
            ap.setDescription("schedule " + sch.field(5).decoded());
        }
        sch.consumed(3, 4, 13, 14, 15, 17, 18, 19, 21, 22, 23, 24, 26, 27);
        return ap;
    }

    /** AIS/AIG/AIL/AIP → a participant or service of the appointment. */
    void resource(Segment ai, Appointment ap, MappingContext ctx) {
        ai.consumed(1, 2);
        Reference actor = switch (ai.name()) {
            case "AIP" -> ctx.types.practitioner(ai.field(3));
            case "AIL" -> ctx.types.location(ai.field(3));
            case "AIG" -> new Reference().setDisplay(ai.field(3).text(2).isEmpty() ? ai.field(3).text(1)
                    : ai.field(3).text(2));
            default -> null;
        };
        if (ai.name().equals("AIS")) {
            CodeableConcept service = ctx.types.concept(ai.field(3));
            if (service != null) {
                ap.addServiceType(service);
            }
        } else if (actor != null) {
            Appointment.AppointmentParticipantComponent p = ap.addParticipant().setActor(actor)
                    .setStatus(Appointment.ParticipationStatus.ACCEPTED);
            if (ai.has(4)) {
                p.addType(ctx.types.concept(ai.field(4)));
            }
        }
        var start = ctx.types.instant(ai.text(ai.name().equals("AIS") ? 4 : 6));
        if (start != null && !ap.hasStart()) {
            ap.setStartElement(start);
        }
        ai.consumed(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    }

    /** Every appointment needs a participant: the patient is one. */
    void finish(Appointment ap, MappingContext ctx, Segment sch) {
        if (ctx.patient != null) {
            ap.addParticipant().setActor(ctx.patientRef()).setStatus(Appointment.ParticipationStatus.ACCEPTED);
        }
        if (!ap.hasParticipant()) {
            ap.addParticipant().setActor(ctx.requirePatientRef(sch)).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
        }
        if (ap.hasStart() && !ap.hasEnd()) {
            if (ap.hasMinutesDuration()) {
                ap.setEnd(new java.util.Date(ap.getStart().getTime() + 60_000L * ap.getMinutesDuration()));
            } else {
                ap.getRequestedPeriodFirstRep().setStart(ap.getStart());
                ap.setStartElement(null);
                ctx.report.warning(MappingContext.at(sch), "appointment start without end or duration; "
                        + "kept as the requested period");
            }
        }
        if (!ap.hasStart() && ap.getStatus() != Appointment.AppointmentStatus.PROPOSED
                && ap.getStatus() != Appointment.AppointmentStatus.CANCELLED
                && ap.getStatus() != Appointment.AppointmentStatus.WAITLIST) {
            ctx.report.warning(MappingContext.at(sch), "appointment '" + ap.getStatus().toCode()
                    + "' without start and end; FHIR allows that only for proposed appointments, so status is proposed");
            ap.setStatus(Appointment.AppointmentStatus.PROPOSED);
        }
    }

    /** TQ1 of an appointment: its start and end. */
    void timing(Segment tq1, Appointment ap, MappingContext ctx) {
        tq1.consumed(1);
        var start = ctx.types.instant(tq1.text(7));
        var end = ctx.types.instant(tq1.text(8));
        if (start != null) {
            ap.setStartElement(start);
        }
        if (end != null) {
            ap.setEndElement(end);
        }
        if (tq1.has(13) && VTypes.isInteger(tq1.field(13).text(1))) {
            ap.setMinutesDuration(Integer.parseInt(tq1.field(13).text(1)));
        }
        tq1.consumed(2, 3, 4, 5, 6, 9, 10, 11, 12, 14);
    }

    Coverage coverage(Segment in1, MappingContext ctx) {
        in1.consumed(1);
        Coverage c = ctx.addStable(new Coverage(), ctx.patientRecordKey("coverage", in1.peek(2), in1.peek(3) + "|"
                + in1.peek(36)), "IN1|" + in1.position());
        c.setStatus(Coverage.CoverageStatus.ACTIVE);
        c.setBeneficiary(ctx.requirePatientRef(in1));
        if (in1.has(2)) {
            c.setType(ctx.types.concept(in1.field(2)));
        }
        Reference payor = ctx.types.organization(in1.field(4).text(1), in1.field(3).text(1));
        c.addPayor(payor != null ? payor : ctx.types.organization("unknown insurer", null));
        in1.consumed(3, 4);
        if (in1.has(8)) {
            c.addClass_().setValue(in1.text(8)).setName(in1.text(9).isEmpty() ? null : in1.text(9))
                    .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/coverage-class")
                    .setCode("group");
        }
        in1.consumed(9);
        var start = ctx.types.dateTime(in1, 12);
        var end = ctx.types.dateTime(in1, 13);
        if (start != null) {
            c.getPeriod().setStartElement(start);
        }
        if (end != null) {
            c.getPeriod().setEndElement(end);
        }
        if (in1.has(15)) {
            c.addExtension("urn:harbour:extension:v2-plan-type", ctx.types.v2Code(in1.text(15), "0086"));
        }
        if (in1.has(16)) {
            var insured = ctx.types.name(in1.field(16));
            c.setSubscriberId(in1.text(49).isEmpty() ? null : in1.text(49));
            if (insured != null) {
                c.addExtension("urn:harbour:extension:insured-name", new org.hl7.fhir.r4.model.StringType(
                        insured.getNameAsSingleString()));
            }
        }
        if (in1.has(17)) {
            c.setRelationship(ctx.types.v2Code(in1.text(17), "0063"));
        }
        if (in1.has(36)) {
            c.addIdentifier().setValue(in1.text(36)).setSystem("urn:harbour:id:" + CodeSystems.token(ctx.sender)
                    + ":policy");
        }
        if (in1.has(22)) {
            c.setOrder(VTypes.isInteger(in1.text(22)) ? Integer.parseInt(in1.text(22)) : 0);
            if (c.getOrder() == 0) {
                c.setOrderElement(null);
            }
        }
        in1.consumed(49);
        return c;
    }

    ChargeItem charge(Segment ft1, MappingContext ctx) {
        ft1.consumed(1);
        ChargeItem ci = ctx.add(new ChargeItem(), "FT1|" + ft1.position());
        ci.setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
        ci.setSubject(ctx.requirePatientRef(ft1));
        ci.setContext(ctx.encounterRef());
        if (ft1.has(2)) {
            ci.addIdentifier().setValue(ft1.text(2)).setSystem("urn:harbour:id:" + CodeSystems.token(ctx.sender)
                    + ":transaction");
        }
        Composite when = ft1.field(4);
        DateTimeType start = ctx.types.dateTime(ft1, 4, when.text(1));
        DateTimeType end = ctx.types.dateTime(ft1, 4, when.text(2));
        if (start != null && end != null) {
            ci.setOccurrence(new org.hl7.fhir.r4.model.Period().setStartElement(start).setEndElement(end));
        } else if (start != null) {
            ci.setOccurrence(start);
        }
        var posted = ctx.types.dateTime(ft1, 5);
        if (posted != null) {
            ci.setEnteredDateElement(posted);
        }
        if (ft1.has(6)) {
            ci.addExtension("urn:harbour:extension:v2-transaction-type", ctx.types.v2Code(ft1.text(6), "0017"));
        }
        CodeableConcept code = ctx.types.concept(ft1.field(7));
        if (code == null) {
            code = ctx.types.concept(ft1.field(25));
        }
        ci.setCode(code != null ? code : new CodeableConcept().setText(ft1.text(8).isEmpty() ? "charge" : ft1.text(8)));
        if (ft1.has(8) && !ci.getCode().hasText()) {
            ci.getCode().setText(ft1.text(8));
        }
        if (ft1.has(10) && V2Types.decimal(ft1.text(10)) != null) {
            ci.getQuantity().setValue(V2Types.decimal(ft1.text(10)));
        }
        for (Composite diagnosis : ft1.all(19)) {
            ci.addReason(ctx.types.concept(diagnosis));
        }
        for (int field : new int[] {20, 21}) {
            for (Composite xcn : ft1.all(field)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null) {
                    ci.addPerformer().setActor(r);
                }
            }
        }
        if (ft1.has(11) && V2Types.decimal(ft1.field(11).text(1)) != null) {
            ci.setPriceOverride(new org.hl7.fhir.r4.model.Money().setValue(V2Types.decimal(ft1.field(11).text(1)))
                    .setCurrency(ft1.field(11).text(2).isEmpty() ? "HKD" : ft1.field(11).text(2)));
        }
        ft1.consumed(3, 8, 9, 12, 13, 14, 15, 16, 17, 18, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        return ci;
    }
}
