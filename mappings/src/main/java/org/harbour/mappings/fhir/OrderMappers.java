package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;

/**
 * ORC + OBR → ServiceRequest (identifiers, status, intent, code, priority, requester, times,
 * reasons); OBR in a result message → DiagnosticReport too; SPM (and OBR-15) → Specimen;
 * TQ1 → the request's timing and priority; RF1 → a referral ServiceRequest.
 */
final class OrderMappers {

    static final String PLACER = "PLAC";
    static final String FILLER = "FILL";
    static final String SECTIONS = "http://terminology.hl7.org/CodeSystem/v2-0074";

    /** ORC (optional) and OBR (optional; one of them present) → ServiceRequest. */
    ServiceRequest serviceRequest(Segment orc, Segment obr, MappingContext ctx) {
        Segment anchor = obr != null ? obr : orc;
        ctx.orderKey = orderKey(orc, obr);
        ServiceRequest sr = ctx.addStable(new ServiceRequest(), ctx.orderKey, "ServiceRequest|" + anchor.position());
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setSubject(ctx.requirePatientRef(anchor));
        sr.setEncounter(ctx.encounterRef());
        String status = "active";
        if (orc != null) {
            identifiers(sr.getIdentifier(), orc.field(2), orc.field(3), ctx);
            if (orc.has(4)) {
                sr.setRequisition(ctx.types.entityIdentifier(orc.field(4), "group"));
            }
            status = requestStatus(orc, ctx);
            orderControl(orc, sr, ctx);
            if (orc.has(7)) {
                timing(orc, 7, sr, ctx);
            }
            DateTimeType authored = ctx.types.dateTime(orc, 9);
            if (authored != null) {
                sr.setAuthoredOnElement(authored);
            }
            for (int field : new int[] {10, 11}) {
                for (Composite xcn : orc.all(field)) {
                    ctx.report.info(MappingContext.at(orc, field), (field == 10 ? "entered by " : "verified by ")
                            + "not mapped to the request");
                }
            }
            for (Composite xcn : orc.all(12)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null && !sr.hasRequester()) {
                    sr.setRequester(r);
                }
            }
            if (orc.has(13)) {
                sr.addLocationReference(ctx.types.location(orc.field(13)));
            }
            if (orc.has(16)) {
                sr.addReasonCode(ctx.types.concept(orc.field(16)));
            }
            requesterRole(sr, orc, obr, ctx);
        }
        if (obr != null) {
            obr.consumed(1);
            if (orc == null || (!orc.has(2) && !orc.has(3))) {
                identifiers(sr.getIdentifier(), obr.field(2), obr.field(3), ctx);
            }
            sr.setCode(ctx.types.concept(obr.field(4)));
            if (obr.has(5)) {
                priority(sr, obr.text(5), ctx);
            }
            DateTimeType requested = ctx.types.dateTime(obr, 6);
            if (requested != null && !sr.hasOccurrence()) {
                sr.setOccurrence(requested);
                sr.setUserData(OCCURRENCE_FROM, MappingContext.at(obr, 6));
            } else if (requested != null) {
                ctx.report.info(MappingContext.at(obr, 6), "requested time " + obr.text(6) + " beside the order's timing");
            }
            if (obr.has(13)) {
                sr.addNote().setText(obr.field(13).decoded());
            }
            for (Composite xcn : obr.all(16)) {
                Reference r = ctx.types.practitioner(xcn);
                if (r != null && !sr.hasRequester()) {
                    sr.setRequester(r);
                }
            }
            if (obr.has(27)) {
                timing(obr, 27, sr, ctx);
            }
            if (orc == null) {
                requesterRole(sr, null, obr, ctx);
            }
            for (Composite reason : obr.all(31)) {
                sr.addReasonCode(ctx.types.concept(reason));
            }
            DateTimeType scheduled = ctx.types.dateTime(obr, 36);
            if (scheduled != null && !sr.hasOccurrence()) {
                sr.setOccurrence(scheduled);
                sr.setUserData(OCCURRENCE_FROM, MappingContext.at(obr, 36));
            } else if (scheduled != null) {
                ctx.report.info(MappingContext.at(obr, 36), "scheduled time " + obr.text(36) + " beside the order's timing");
            }
            for (Composite procedure : obr.all(44)) {
                if (!sr.hasCode()) {
                    sr.setCode(ctx.types.concept(procedure));
                } else {
                    sr.addOrderDetail(ctx.types.concept(procedure));
                }
            }
            if (obr.has(29)) {
                Identifier parent = ctx.types.entityIdentifier(obr.field(29).component(1), "placer");
                if (parent != null) {
                    sr.addBasedOn(new Reference().setType("ServiceRequest").setIdentifier(parent));
                }
            }
        }
        if (!sr.hasCode()) {
            sr.setCode(new CodeableConcept().setText("order"));
        }
        sr.setStatus(ServiceRequest.ServiceRequestStatus.fromCode(status));
        return sr;
    }

    /**
     * The sender's own key of an order: the placer order number (OBR-2, else ORC-2), else the
     * filler's (OBR-3, else ORC-3), with its namespace; null when the message names neither.
     * An order and its results carry the same placer number, so they meet as one request.
     */
    static String orderKey(Segment orc, Segment obr) {
        for (int field : new int[] {2, 3}) {
            for (Segment s : new Segment[] {obr, orc}) {
                if (s != null && !s.peekField(field).text(1).isEmpty()) {
                    return (field == 2 ? "placer|" : "filler|") + s.peekField(field).text(1) + "^" + s.peekField(field).text(2);
                }
            }
        }
        return null;
    }

    /** ORC-5 (order status) through its table, else ORC-1 (order control); an unknown ORC-5 is reported. */
    static String requestStatus(Segment orc, MappingContext ctx) {
        String orderStatus = orc.peekField(5).text(1);
        if (!orderStatus.isEmpty() && ctx.table("request-status").map(orderStatus).isPresent()) {
            return ctx.table("request-status").codeOrFallback(orc.text(5));
        }
        if (!orderStatus.isEmpty()) {
            ctx.report.warning(MappingContext.at(orc, 5), "order status '" + orderStatus + "' is not an HL7 order status; "
                    + "the status follows the order control code");
        }
        return ctx.table("order-control-status").codeOrFallback(orc.peekField(1).text(1));
    }

    /** ORC-1, the order control code, kept on the record it made (its status may come from ORC-5 instead). */
    static void orderControl(Segment orc, org.hl7.fhir.r4.model.DomainResource target, MappingContext ctx) {
        String control = orc.field(1).text(1);
        if (!control.isEmpty()) {
            target.addExtension(ORDER_CONTROL, ctx.types.tableCoding("http://terminology.hl7.org/CodeSystem/v2-0119",
                    "HL70119", control));
        }
    }

    static final String ORDER_CONTROL = "urn:harbour:extension:order-control";
    /** Which field the request's occurrence came from, so a later field replacing it can report it. */
    private static final String OCCURRENCE_FROM = "harbour.occurrence-from";

    /**
     * A TQ (ORC-7, OBR-27): when (TQ.4 start, TQ.5 end → occurrencePeriod, unless the order has a
     * time already) and how urgent (TQ.6 → priority); the rest of it is reported.
     */
    private static void timing(Segment s, int field, ServiceRequest sr, MappingContext ctx) {
        Composite tq = s.field(field);
        priority(sr, tq.text(6), ctx, s, field);
        DateTimeType start = tq.text(4).isEmpty() ? null : ctx.types.dateTime(s, field, tq.text(4));
        DateTimeType end = tq.text(5).isEmpty() ? null : ctx.types.dateTime(s, field, tq.text(5));
        if ((start != null || end != null) && !sr.hasOccurrence()) {
            sr.setOccurrence(new org.hl7.fhir.r4.model.Period().setStartElement(start).setEndElement(end));
            sr.setUserData(OCCURRENCE_FROM, MappingContext.at(s, field));
        } else if (start != null || end != null) {
            ctx.report.info(MappingContext.at(s, field), "second timing of the order (" + tq.decoded() + ")");
        }
    }

    /**
     * Who asked, with how to reach them: the ordering provider (ORC-12, else OBR-16) in the role of
     * the ordering facility (ORC-21, its address ORC-22 and phone ORC-23), with the call-back
     * phones (ORC-14, OBR-17) and the provider's address (ORC-24) — a PractitionerRole, as the
     * V2-to-FHIR guide maps them. Without any of those the requester stays the Practitioner.
     */
    private static void requesterRole(ServiceRequest sr, Segment orc, Segment obr, MappingContext ctx) {
        boolean facility = orc != null && (orc.has(21) || orc.has(22) || orc.has(23));
        boolean phones = orc != null && orc.has(14) || obr != null && obr.has(17);
        boolean providerAddress = orc != null && orc.has(24);
        if (!facility && !phones && !providerAddress) {
            return;
        }
        org.hl7.fhir.r4.model.PractitionerRole role = ctx.add(new org.hl7.fhir.r4.model.PractitionerRole(),
                "PractitionerRole|" + (orc != null ? orc.position() : obr.position()));
        if (sr.hasRequester()) {
            role.setPractitioner(sr.getRequester().copy());
            if (providerAddress) {
                org.hl7.fhir.r4.model.Resource doctor = ctx.bundle.getEntry().stream()
                        .map(e -> e.getResource())
                        .filter(r -> ("urn:uuid:" + r.getIdElement().getIdPart()).equals(sr.getRequester().getReference()))
                        .findFirst().orElse(null);
                if (doctor instanceof org.hl7.fhir.r4.model.Practitioner p) {
                    for (Composite xad : orc.all(24)) {
                        var address = ctx.types.address(xad);
                        if (address != null) {
                            p.addAddress(address);
                        }
                    }
                }
            }
        } else if (providerAddress) {
            ctx.report.info(MappingContext.at(orc, 24), "ordering provider's address without an ordering provider");
        }
        if (facility) {
            org.hl7.fhir.r4.model.Organization organization = ctx.add(new org.hl7.fhir.r4.model.Organization(),
                    "Organization|ordering|" + orc.position());
            Composite xon = orc.field(21);
            if (!xon.text(1).isEmpty()) {
                organization.setName(xon.text(1));
            }
            String id = xon.text(10).isEmpty() ? xon.text(3) : xon.text(10);
            if (!id.isEmpty()) {
                organization.addIdentifier().setSystem("urn:harbour:id:organization").setValue(id);
            }
            for (Composite xad : orc.all(22)) {
                var address = ctx.types.address(xad);
                if (address != null) {
                    organization.addAddress(address);
                }
            }
            for (Composite xtn : orc.all(23)) {
                var phone = ctx.types.telecom(xtn, org.hl7.fhir.r4.model.ContactPoint.ContactPointUse.WORK);
                if (phone != null) {
                    organization.addTelecom(phone);
                }
            }
            if (!organization.hasName() && !organization.hasIdentifier()) {
                organization.setName("ordering facility");
            }
            role.setOrganization(MappingContext.ref(organization).setDisplay(organization.getName()));
        }
        for (Segment s : new Segment[] {orc, obr}) {
            if (s == null) {
                continue;
            }
            for (Composite xtn : s.all(s == orc ? 14 : 17)) {
                var phone = ctx.types.telecom(xtn, org.hl7.fhir.r4.model.ContactPoint.ContactPointUse.WORK);
                if (phone != null) {
                    role.addTelecom(phone);
                }
            }
        }
        sr.setRequester(MappingContext.ref(role).setDisplay(sr.hasRequester() ? sr.getRequester().getDisplay() : null));
    }

    private static void priority(ServiceRequest sr, String code, MappingContext ctx, Segment s, int field) {
        if (code.isEmpty()) {
            return;
        }
        var known = ctx.table("request-priority").map(code);
        if (known.isPresent()) {
            sr.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(known.get().code()));
        } else {
            ctx.report.warning(MappingContext.at(s, field), "priority '" + code + "' has no FHIR equivalent; not mapped");
        }
    }

    private static void priority(ServiceRequest sr, String code, MappingContext ctx) {
        ctx.table("request-priority").map(code)
                .ifPresent(t -> sr.setPriority(ServiceRequest.ServiceRequestPriority.fromCode(t.code())));
    }

    static void identifiers(java.util.List<Identifier> target, Composite placer, Composite filler, MappingContext ctx) {
        Identifier p = ctx.types.entityIdentifier(placer, "placer");
        if (p != null) {
            p.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode(PLACER);
            target.add(p);
        }
        Identifier f = ctx.types.entityIdentifier(filler, "filler");
        if (f != null) {
            f.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode(FILLER);
            target.add(f);
        }
    }

    /** OBR in a result message → DiagnosticReport, based on the request. */
    DiagnosticReport report(Segment obr, ServiceRequest request, MappingContext ctx) {
        DiagnosticReport dr = ctx.addStable(new DiagnosticReport(), ctx.orderKey, "OBR|" + obr.position());
        identifiers(dr.getIdentifier(), obr.field(2), obr.field(3), ctx);
        if (request != null) {
            dr.addBasedOn(MappingContext.ref(request));
        }
        dr.setStatus(DiagnosticReport.DiagnosticReportStatus.fromCode(
                ctx.table("diagnostic-report-status").codeOrFallback(obr.text(25))));
        if (obr.text(25).isEmpty()) {
            ctx.report.info(MappingContext.at(obr, 25), "no result status; DiagnosticReport.status unknown");
        }
        CodeableConcept code = ctx.types.concept(obr.field(4));
        dr.setCode(code != null ? code : new CodeableConcept().setText("report"));
        String section = obr.text(24);
        String sectionCode = section.isEmpty() ? "LAB" : section.toUpperCase(java.util.Locale.ROOT);
        if (ctx.codesDefine(SECTIONS, sectionCode)) {
            dr.addCategory().addCoding().setSystem(SECTIONS).setCode(sectionCode);
        } else {
            dr.addCategory(ctx.types.v2Code(section, "0074"));
        }
        dr.setSubject(ctx.patientRef());
        dr.setEncounter(ctx.encounterRef());
        DateTimeType start = ctx.types.dateTime(obr, 7);
        DateTimeType end = ctx.types.dateTime(obr, 8);
        if (start != null && end != null) {
            dr.getEffectivePeriod().setStartElement(start).setEndElement(end);
        } else if (start != null) {
            dr.setEffective(start);
        }
        if (!obr.text(22).isEmpty()) {
            var issued = ctx.types.instant(obr.text(22));
            if (issued != null) {
                dr.setIssuedElement(issued);
            } else {
                ctx.types.dateTime(obr, 22);
            }
        }
        // OBR-32..35 are NDL: the person is a CNN written in the subcomponents of component 1
        // (id & family & given & middle & suffix & prefix ...), the period in components 2 and 3
        for (int field : new int[] {32, 33, 34, 35}) {
            for (Composite ndl : obr.all(field)) {
                Reference r = ctx.types.practitioner(ndl.component(1));
                if (r == null) {
                    continue;
                }
                if (field == 35) {
                    dr.addExtension("urn:harbour:extension:transcriptionist", r);
                } else if (field == 34) {
                    dr.addPerformer(r);
                } else {
                    dr.addResultsInterpreter(r);
                }
            }
        }
        return dr;
    }

    /** OBR-9/10/14/15 (older messages' specimen fields) → Specimen. */
    Specimen obrSpecimen(Segment obr, MappingContext ctx) {
        if (!obr.has(15) && !obr.has(14) && !obr.has(9) && !obr.has(10)) {
            return null;
        }
        Specimen sp = ctx.addStable(new Specimen(), ctx.orderKey, "OBR-specimen|" + obr.position());
        sp.setSubject(ctx.patientRef());
        Composite source = obr.field(15);
        if (!source.isEmpty()) {
            // SPS: its specimen source is a CWE written in the subcomponents of component 1
            Composite type = source.component(1);
            CodeableConcept cc = ctx.types.concept(type);
            if (cc == null) {
                cc = new CodeableConcept().setText(source.decoded());
            } else if (type.peekText(3).isEmpty() && cc.hasCoding()) {
                cc.getCodingFirstRep().setSystem(ctx.types.v2Code(type.text(1), "0070").getCodingFirstRep().getSystem());
            }
            sp.setType(cc);
            if (!source.text(4).isEmpty()) {
                sp.getCollection().setBodySite(new CodeableConcept().setText(source.text(4)));
            }
        }
        DateTimeType collected = ctx.types.dateTime(obr, 7);
        if (collected != null) {
            sp.getCollection().setCollected(collected);
        }
        if (obr.has(9)) {
            var volume = ctx.types.quantity(obr.field(9).text(1), obr.field(9).component(2));
            if (volume != null) {
                sp.getCollection().getQuantity().setValue(volume.getValue()).setUnit(volume.getUnit())
                        .setSystem(volume.getSystem()).setCode(volume.getCode());
            }
        }
        for (Composite collector : obr.all(10)) {
            Reference r = ctx.types.practitioner(collector);
            if (r != null) {
                sp.getCollection().setCollector(r);
            }
        }
        if (!obr.text(14).isEmpty()) {
            var received = ctx.types.dateTime(obr, 14);
            if (received != null) {
                sp.setReceivedTimeElement(received);
            }
        }
        return sp;
    }

    /** SPM → Specimen. */
    Specimen specimen(Segment spm, MappingContext ctx) {
        spm.consumed(1);
        Composite ids = spm.field(2);
        String key = !ids.isEmpty() ? "specimen|" + ids.raw() : ctx.orderKey == null ? null : ctx.orderKey + "|SPM";
        Specimen sp = ctx.addStable(new Specimen(), key, "SPM|" + spm.position());
        sp.setSubject(ctx.patientRef());
        if (!ids.isEmpty()) {
            Identifier placer = ctx.types.entityIdentifier(ids.component(1), "specimen");
            Identifier filler = ctx.types.entityIdentifier(ids.component(2), "specimen");
            if (placer != null) {
                sp.addIdentifier(placer);
            }
            if (filler != null) {
                sp.setAccessionIdentifier(filler);
            }
        }
        for (Composite parent : spm.all(3)) {
            ctx.report.info(MappingContext.at(spm, 3), "parent specimen id " + parent.text(1) + " not linked");
        }
        sp.setType(ctx.types.concept(spm.field(4)));
        for (Composite additive : spm.all(6)) {
            sp.addContainer().setAdditive(ctx.types.concept(additive));
        }
        if (spm.has(7)) {
            sp.getCollection().setMethod(ctx.types.concept(spm.field(7)));
        }
        if (spm.has(8)) {
            sp.getCollection().setBodySite(ctx.types.concept(spm.field(8)));
        }
        for (Composite role : spm.all(11)) {
            ctx.report.info(MappingContext.at(spm, 11), "specimen role " + role.text(1) + " not mapped");
        }
        if (spm.has(12)) {
            var q = ctx.types.quantity(spm.field(12).text(1), spm.field(12).component(2));
            if (q != null) {
                sp.getCollection().getQuantity().setValue(q.getValue()).setUnit(q.getUnit()).setSystem(q.getSystem())
                        .setCode(q.getCode());
            }
        }
        if (spm.has(14)) {
            sp.addNote().setText(spm.field(14).decoded());
        }
        Composite collected = spm.field(17);
        if (!collected.isEmpty()) {
            DateTimeType start = ctx.types.dateTime(spm, 17, collected.text(1));
            DateTimeType end = ctx.types.dateTime(spm, 17, collected.text(2));
            if (start != null && end != null) {
                sp.getCollection().getCollectedPeriod().setStartElement(start).setEndElement(end);
            } else if (start != null) {
                sp.getCollection().setCollected(start);
            }
        }
        var received = ctx.types.dateTime(spm, 18);
        if (received != null) {
            sp.setReceivedTimeElement(received);
        }
        for (Composite reject : spm.all(21)) {
            sp.addCondition(ctx.types.concept(reject));
            sp.setStatus(Specimen.SpecimenStatus.UNSATISFACTORY);
        }
        for (Composite condition : spm.all(24)) {
            sp.addCondition(ctx.types.concept(condition));
        }
        String availability = spm.peekField(20).text(1);
        if (!availability.isEmpty() && sp.hasStatus()) {
            ctx.report.info(MappingContext.at(spm, 20), "specimen availability '" + availability + "'; the status says "
                    + sp.getStatus().toCode());
        } else if (!availability.isEmpty()) {
            var status = ctx.table("specimen-availability").map(spm.text(20));
            status.ifPresentOrElse(t -> sp.setStatus(Specimen.SpecimenStatus.fromCode(t.code())),
                    () -> ctx.report.warning(MappingContext.at(spm, 20), "specimen availability '" + availability
                            + "' is not Y or N; not mapped"));
        }
        return sp;
    }

    /** TQ1 → timing and priority of the current request. */
    void tq1(Segment tq1, ServiceRequest sr, MappingContext ctx) {
        tq1.consumed(1);
        DateTimeType start = ctx.types.dateTime(tq1, 7);
        DateTimeType end = ctx.types.dateTime(tq1, 8);
        if (start != null || end != null) {
            // TQ1 is the newer way to say when: it replaces an older field's time, which is reported
            Object from = sr.getUserData(OCCURRENCE_FROM);
            if (sr.hasOccurrence() && from != null) {
                ctx.report.info((String) from, "the order's time from this field is replaced by TQ1's");
            }
            sr.setOccurrence(end == null ? start
                    : new org.hl7.fhir.r4.model.Period().setStartElement(start).setEndElement(end));
            sr.setUserData(OCCURRENCE_FROM, MappingContext.at(tq1, 7));
        }
        for (Composite priority : tq1.all(9)) {
            priority(sr, priority.text(1), ctx, tq1, 9);
        }
        if (tq1.has(2)) {
            sr.setQuantity(ctx.types.quantity(tq1.field(2).text(1), tq1.field(2).component(2)));
        }
        if (tq1.has(10) || tq1.has(11)) {
            sr.addNote().setText((tq1.field(10).decoded() + " " + tq1.field(11).decoded()).strip());
        }
    }

    /** RF1 (referral information) → a referral ServiceRequest. */
    ServiceRequest referral(Segment rf1, MappingContext ctx) {
        ServiceRequest sr = ctx.add(new ServiceRequest(), "RF1|" + rf1.position());
        sr.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setSubject(ctx.requirePatientRef(rf1));
        String status = rf1.text(1);
        sr.setStatus(switch (status) {
            case "A" -> ServiceRequest.ServiceRequestStatus.ACTIVE;
            case "P" -> ServiceRequest.ServiceRequestStatus.DRAFT;
            case "R", "E" -> ServiceRequest.ServiceRequestStatus.REVOKED;
            default -> ServiceRequest.ServiceRequestStatus.ACTIVE;
        });
        if (rf1.has(1)) {
            sr.addNote().setText("referral status " + rf1.field(1).decoded());
        }
        if (rf1.has(2)) {
            priority(sr, rf1.text(2), ctx);
        }
        sr.addCategory().addCoding().setSystem("http://snomed.info/sct").setCode("3457005")
                .setDisplay("Patient referral");
        if (rf1.has(3)) {
            sr.setCode(ctx.types.concept(rf1.field(3)));
        } else {
            sr.setCode(new CodeableConcept().setText("referral"));
        }
        if (rf1.has(5)) {
            sr.addIdentifier(ctx.types.entityIdentifier(rf1.field(5), "referral"));
        }
        if (rf1.has(6)) {
            sr.addIdentifier(ctx.types.entityIdentifier(rf1.field(6), "referral"));
        }
        var effective = ctx.types.dateTime(rf1, 7);
        var expiry = ctx.types.dateTime(rf1, 8);
        if (effective != null || expiry != null) {
            sr.setOccurrence(new org.hl7.fhir.r4.model.Period().setStartElement(effective).setEndElement(expiry));
        }
        for (Composite reason : rf1.all(10)) {
            sr.addReasonCode(ctx.types.concept(reason));
        }
        if (rf1.has(11)) {
            sr.addIdentifier(ctx.types.entityIdentifier(rf1.field(11), "referral"));
        }
        return sr;
    }
}
