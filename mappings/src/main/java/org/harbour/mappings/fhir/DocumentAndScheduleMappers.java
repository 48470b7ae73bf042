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
        doc.setStatus(Enumerations.DocumentReferenceStatus.fromCode(ctx.table("document-availability")
                .codeOrFallback(txa.text(19))));
        if (txa.has(19) && ctx.table("document-availability").map(txa.peekField(19).text(1)).isEmpty()) {
            ctx.report.warning(MappingContext.at(txa, 19), "unknown availability status '" + txa.peekField(19).text(1)
                    + "'; the document is taken as current");
        }
        if (txa.text(17).equals("CA") || ctx.trigger.equals("T11")) {
            doc.setStatus(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        }
        String completion = txa.peekField(17).text(1);
        ctx.table("document-status").map(completion).ifPresentOrElse(
                t -> doc.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(ctx.table("document-status")
                        .map(txa.text(17)).get().code())),
                () -> {
                    if (!completion.isEmpty()) {
                        ctx.report.warning(MappingContext.at(txa, 17), "completion status '" + completion
                                + "' is not an HL7 code; not mapped");
                    }
                });
        CodeableConcept type = ctx.types.concept(txa.field(2));
        doc.setType(type != null ? type : new CodeableConcept().setText("document"));
        if (txa.has(3)) {
            String presentation = txa.text(3);
            String mime = switch (presentation.toUpperCase(java.util.Locale.ROOT)) {
                case "TX", "FT" -> "text/plain";
                case "AP" -> "application/octet-stream";
                case "PDF" -> "application/pdf";
                case "HTML" -> "text/html";
                case "RTF" -> "application/rtf";
                default -> presentation.matches("[A-Za-z]+/[-+.\\w]+(;.*)?") ? presentation.toLowerCase(java.util.Locale.ROOT) : null;
            };
            if (mime == null) {
                ctx.report.warning(MappingContext.at(txa, 3), "content presentation '" + presentation + "' is not a known type");
            }
            doc.getContentFirstRep().getAttachment().setContentType(mime);
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
        int createdField = txa.peekField(6).text(1).isEmpty() ? 7 : 6;
        var created = ctx.types.instant(txa, createdField);
        if (created != null) {
            doc.setDateElement(created);
        }
        if (createdField == 6 && txa.has(7)) {
            ctx.report.info(MappingContext.at(txa, 7), "transcription time " + txa.peekField(7).text(1)
                    + " beside the origination time (DocumentReference.date)");
        }
        for (Composite transcriptionist : txa.all(11)) {
            Reference r = ctx.types.practitioner(transcriptionist);
            if (r != null) {
                doc.addExtension("urn:harbour:extension:transcriptionist", r);
            }
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
        // TXA-23: the people a copy went to (XCN), not text
        for (Composite copy : txa.all(23)) {
            Reference r = ctx.types.practitioner(copy);
            if (r != null) {
                doc.addExtension("urn:harbour:extension:distributed-copy", r);
            }
        }
        if (txa.has(25)) {
            // TXA-25 (2.6+): the document's title
            CodeableConcept title = ctx.types.concept(txa.field(25));
            doc.setDescription(title.hasText() ? title.getText() : title.getCodingFirstRep().hasDisplay()
                    ? title.getCodingFirstRep().getDisplay() : title.getCodingFirstRep().getCode());
            if (title.hasCoding()) {
                doc.addCategory(title);
            }
        }
        // a document without a visit (no PV1) has no encounter
        Reference encounter = ctx.encounterRef();
        if (encounter != null && encounter.hasReference()) {
            doc.getContext().addEncounter(encounter);
        }
        return doc;
    }

    /** An OBX line of a document: text appended, or an attachment (ED). */
    void content(Segment obx, DocumentReference doc, StringBuilder text, MappingContext ctx) {
        obx.consumed(1, 2);
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
    }

    /** Finishes a document: the text lines become its first attachment's data. */
    void finish(DocumentReference doc, StringBuilder text) {
        DocumentReference.DocumentReferenceContentComponent first = doc.getContentFirstRep();
        if (text.length() > 0) {
            Attachment a = first.getAttachment();
            if (a.hasData() || a.hasContentType() && !a.getContentType().startsWith("text/")) {
                a = doc.addContent().getAttachment();
            }
            a.setContentType("text/plain; charset=utf-8");
            a.setData(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        // an attachment with neither data nor a link is kept when it says something (a title, a type)
        doc.getContent().removeIf(c -> !c.getAttachment().hasData() && !c.getAttachment().hasUrl()
                && !c.getAttachment().hasTitle() && !c.getAttachment().hasContentType());
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
            var start = ctx.types.instant(sch, 11, timing.text(4));
            var end = ctx.types.instant(sch, 11, timing.text(5));
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
        return ap;
    }

    /** AIS/AIG/AIL/AIP → a participant or service of the appointment. */
    void resource(Segment ai, Appointment ap, MappingContext ctx) {
        ai.consumed(1);
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
        boolean service = ai.name().equals("AIS");
        // where start, duration and filler status are: AIS 4, 7, 10; AIG 8, 11, 14; AIL and AIP 6, 9, 12
        int startField = service ? 4 : ai.name().equals("AIG") ? 8 : 6;
        var start = ctx.types.instant(ai, startField);
        if (!service && actor != null) {
            participantTiming(ai, startField, start, ap.getParticipant().get(ap.getParticipant().size() - 1), ctx);
        }
        if (start != null && !ap.hasStart()) {
            ap.setStartElement(start);
            Integer minutes = minutes(ai, startField + 3, ctx);
            if (minutes != null && !ap.hasMinutesDuration()) {
                ap.setMinutesDuration(minutes);
            }
        } else if (start != null && service) {
            ctx.report.info(MappingContext.at(ai, startField), "service start " + ai.peekField(startField).text(1)
                    + " beside the appointment's start");
        }
        String status = ai.peekField(startField + 6).text(1);
        if (service && !status.isEmpty()) {
            ctx.report.info(MappingContext.at(ai, startField + 6), "service filler status '" + status
                    + "'; the appointment's own status is kept");
        }
    }

    /** A resource's start, its duration (start + 3) with units (start + 4), its status (start + 6) → the participant's period and status. */
    private void participantTiming(Segment ai, int startField, org.hl7.fhir.r4.model.InstantType start,
            Appointment.AppointmentParticipantComponent p, MappingContext ctx) {
        if (start != null) {
            p.getPeriod().setStartElement(new DateTimeType(start.getValueAsString()));
            Integer minutes = minutes(ai, startField + 3, ctx);
            if (minutes != null) {
                p.getPeriod().setEndElement(new DateTimeType(new java.util.Date(start.getValue().getTime() + 60_000L * minutes),
                        ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, start.getTimeZone()));
            }
        }
        String status = ai.field(startField + 6).text(1);
        if (!status.isEmpty()) {
            ctx.table("participant-status").map(status.toUpperCase(java.util.Locale.ROOT)).ifPresentOrElse(
                    t -> p.setStatus(Appointment.ParticipationStatus.fromCode(t.code())),
                    () -> ctx.report.warning(MappingContext.at(ai, startField + 6), "unknown filler status '" + status
                            + "'; not mapped"));
        }
    }

    /** A duration (field {@code field}) in its units (the next field: minutes unless it says hours, seconds or days). */
    private static Integer minutes(Segment s, int field, MappingContext ctx) {
        String amount = s.field(field).text(1);
        if (amount.isEmpty()) {
            return null;
        }
        if (!VTypes.isInteger(amount)) {
            ctx.report.warning(MappingContext.at(s, field), "duration '" + amount + "' is not a whole number; not mapped");
            return null;
        }
        String units = s.field(field + 1).text(1).toUpperCase(java.util.Locale.ROOT);
        int value = Integer.parseInt(amount);
        return switch (units) {
            case "H", "HR", "HRS", "HOUR", "HOURS" -> value * 60;
            case "D", "DAY", "DAYS" -> value * 1440;
            case "S", "SEC", "SECONDS" -> Math.max(1, value / 60);
            default -> value;
        };
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
    void timing(Segment tq1, Appointment ap, Segment sch, MappingContext ctx) {
        tq1.consumed(1);
        var start = ctx.types.instant(tq1, 7);
        var end = ctx.types.instant(tq1, 8);
        if ((start != null && ap.hasStart() && !start.getValue().equals(ap.getStart()))
                || (end != null && ap.hasEnd() && !end.getValue().equals(ap.getEnd()))) {
            ctx.report.info(MappingContext.at(sch, 11), "appointment timing " + sch.peekField(11).decoded()
                    + " replaced by TQ1's");
        }
        if (start != null) {
            ap.setStartElement(start);
        }
        if (end != null) {
            ap.setEndElement(end);
        }
        if (tq1.has(13) && VTypes.isInteger(tq1.field(13).text(1))) {
            ap.setMinutesDuration(Integer.parseInt(tq1.field(13).text(1)));
        }
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
        if (in1.has(8)) {
            c.addClass_().setValue(in1.text(8)).setName(in1.text(9).isEmpty() ? null : in1.text(9))
                    .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/coverage-class")
                    .setCode("group");
        }
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
                c.addExtension("urn:harbour:extension:insured-name", insured);
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
        return ci;
    }
}
