package org.harbour.mappings.fhir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.harbour.mappings.hl7.Hl7Charsets;
import org.harbour.mappings.v2.Delimiters;
import org.harbour.mappings.v2.Segment;
import org.harbour.mappings.v2.V2Message;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;

/**
 * HL7 v2 (2.1–2.8) → FHIR R4: one message in, one transaction Bundle and its conversion report
 * out. Walks the segments in order, keeping the order/result/document context that HL7's
 * segment groups imply, and hands each segment to the translator for it. Every field no
 * translator read, and every segment without one (Z-segments included), is in the report.
 * Thread-safe: no state between messages.
 */
public final class V2ToFhir {

    /** Message types with a mapping; others still yield the generic resources, flagged unmapped. */
    public static final Set<String> MAPPED_TYPES = Set.of("ADT", "ORU", "ORM", "OML", "OUL", "MDM", "VXU", "SIU",
            "RDE", "RDS", "RAS", "REF", "BAR", "DFT", "PPR", "OMG", "ORL", "OMI", "OMP", "ORR", "RRI");

    private static final Set<String> RESULT_TYPES = Set.of("ORU", "OUL", "ORF");
    private static final Set<String> IGNORED = Set.of("MSA", "ERR", "SFT", "UAC", "ARV", "CTD", "GOL", "PTH",
            "VAR", "PDA", "DB1", "UB1", "UB2", "ACC", "IN2", "IN3", "GT1", "OBR", "RGS", "RXC", "RXG", "TQ2", "CTI",
            "BLG", "PRT", "EVN", "PRD", "CON", "ABS", "DRG", "PCE", "QRD", "QRF", "AUT", "PID", "NK1", "IAR");

    private final TranslatorSettings settings;
    private final MshToMessageHeader headers = new MshToMessageHeader();
    private final PidToPatient patients = new PidToPatient();
    private final Pv1ToEncounter encounters = new Pv1ToEncounter();
    private final ObxToObservation observations = new ObxToObservation();
    private final OrderMappers orders = new OrderMappers();
    private final ClinicalMappers clinical = new ClinicalMappers();
    private final MedicationMappers medications = new MedicationMappers();
    private final DocumentAndScheduleMappers documents = new DocumentAndScheduleMappers();

    public V2ToFhir(TranslatorSettings settings) {
        this.settings = settings;
    }

    /** Translates a message given as bytes, decoded by its MSH-18 (UTF-8 when absent). */
    public Conversion convert(byte[] raw) {
        return convert(raw, null);
    }

    /**
     * Translates a message that the message store found to be a control-id collision: another
     * message (other content) was stored under the same sender and control id. {@code variant}
     * (the store's, never empty) goes into the ids of what belongs to this message, so the two
     * messages' resources never overwrite each other; records keyed by the sender's own numbers
     * (orders, results) keep their ids.
     */
    public Conversion convert(byte[] raw, String variant) {
        Decoded decoded = decoding(raw);
        return convert(decoded.text(), variant, decoded.problems());
    }

    /** A message's text, and what its bytes did not decode cleanly (each a report line: where, what). */
    record Decoded(String text, List<String[]> problems) {
    }

    static String decode(byte[] raw) {
        return decoding(raw).text();
    }

    /**
     * Decodes the whole message before any splitting, in the character set MSH-18 (all its
     * repetitions) and MSH-20 declare; bytes that are not valid there are replaced and reported,
     * never dropped silently. A message that declares nothing and is not valid UTF-8 is read as
     * Windows-1252 (what such senders mostly write), and the report says so.
     */
    static Decoded decoding(byte[] raw) {
        String latin = new String(raw, 0, Math.min(raw.length, 4096), StandardCharsets.ISO_8859_1);
        int start = latin.indexOf("MSH");
        Charset charset = StandardCharsets.UTF_8;
        boolean declared = false;
        String declaredName = "";
        if (start >= 0) {
            int end = latin.indexOf('\r', start);
            int nl = latin.indexOf('\n', start);
            if (end < 0 || (nl >= 0 && nl < end)) {
                end = nl < 0 ? latin.length() : nl;
            }
            String msh = latin.substring(start, end);
            Delimiters d = Delimiters.of(msh);
            String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(d.field())), -1);
            if (fields.length > 17 && !fields[17].isBlank()) {
                declaredName = fields[17];
                var named = Hl7Charsets.forMsh18(fields[17], d.repetition(), fields.length > 19 ? fields[19] : "");
                declared = named.isPresent();
                charset = named.orElse(StandardCharsets.UTF_8);
            }
        }
        // a UTF-8 byte-order mark is not part of the message, whatever MSH-18 declares: decoded as Big5 or
        // GB 18030 its bytes would swallow the M of MSH
        int bom = raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF ? 3 : 0;
        List<String[]> problems = new java.util.ArrayList<>();
        if (!declaredName.isEmpty() && !declared) {
            problems.add(new String[] {"MSH[0]-18", "character set '" + declaredName + "' is not one Harbour decodes; read as UTF-8"});
        }
        // the usual case at the usual cost: decoded once; only a replacement character calls for a strict look
        String text = new String(raw, bom, raw.length - bom, charset);
        if (text.indexOf('\uFFFD') < 0 || strict(raw, bom, charset) != null) {
            return new Decoded(text, problems);
        }
        if (declaredName.isEmpty()) {
            Charset windows = Charset.forName("windows-1252");
            String fallback = strict(raw, bom, windows);
            if (fallback != null) {
                problems.add(new String[] {"MSH[0]-18", "no character set declared and the message is not valid UTF-8; "
                        + "read as Windows-1252"});
                return new Decoded(fallback, problems);
            }
        }
        int bad = firstMalformed(raw, bom, charset);
        problems.add(new String[] {"MSH[0]-18", "bytes not valid in " + charset.name() + " (the first at byte " + bad
                + "); each such sequence is shown as U+FFFD"});
        return new Decoded(text, problems);
    }

    private static String strict(byte[] raw, int from, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(raw, from, raw.length - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static int firstMalformed(byte[] raw, int from, Charset charset) {
        var decoder = charset.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(raw, from, raw.length - from);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(raw.length + 16);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : -1;
    }

    /** Translates one message. Throws {@link IllegalArgumentException} when it has no MSH. */
    public Conversion convert(String text) {
        return convert(text, null, List.of());
    }

    private Conversion convert(String text, String variant, List<String[]> decodingProblems) {
        V2Message message = V2Message.parse(text);
        MappingContext ctx = new MappingContext(message, settings, variant);
        for (String[] problem : decodingProblems) {
            ctx.report.warning(problem[0], problem[1]);
        }
        Walk walk = new Walk(ctx, message.msh().field(9).text(1));
        MessageHeader header = headers.map(message.msh(), ctx);
        walk.mapped.add(message.msh());
        List<Segment> segments = message.segments();
        for (int i = 1; i < segments.size(); i++) {
            walk.segment(segments.get(i), i + 1 < segments.size() ? segments.get(i + 1) : null);
        }
        walk.finish();
        focus(header, ctx);
        headers.provenance(message.msh(), message.first("EVN"), ctx, settings.translatorVersion());
        Set<String> explained = new java.util.HashSet<>();
        ctx.report.entries().forEach(e -> explained.add(e.location()));
        for (Segment s : segments) {
            if (walk.mapped.contains(s)) {
                for (int field : s.unread()) {
                    // a field the translator already explained (a warning, a note of what it means) is named once
                    if (!explained.contains(MappingContext.at(s, field))) {
                        ctx.report.info(MappingContext.at(s, field), "field not mapped");
                    }
                }
                for (String part : s.unreadParts()) {
                    ctx.report.info(MappingContext.at(s) + "-" + part, "component not mapped");
                }
            }
        }
        String type = message.msh().field(9).text(1);
        boolean mapped = MAPPED_TYPES.contains(type);
        if (!mapped) {
            ctx.report.warning("MSH-9", "message type " + message.type() + " has no specific mapping; "
                    + "its segments were translated generically and the message is kept raw");
        }
        return new Conversion(ctx.bundle, ctx.report, message.type(), message.controlId(), ctx.sender, mapped);
    }

    private static void focus(MessageHeader header, MappingContext ctx) {
        for (var entry : ctx.bundle.getEntry()) {
            Resource r = entry.getResource();
            if (r instanceof DiagnosticReport || r instanceof MedicationRequest || r instanceof Immunization
                    || r instanceof DocumentReference || r instanceof Appointment
                    || r instanceof org.hl7.fhir.r4.model.MedicationDispense
                    || r instanceof org.hl7.fhir.r4.model.MedicationAdministration
                    || r instanceof org.hl7.fhir.r4.model.ChargeItem
                    || (r instanceof ServiceRequest && !ctx.bundle.getEntry().stream()
                            .anyMatch(e -> e.getResource() instanceof DiagnosticReport))) {
                header.addFocus(MappingContext.ref(r));
            }
        }
        if (!header.hasFocus() && ctx.patient != null) {
            header.addFocus(ctx.patientRef());
        }
    }

    /** The context a segment is read in: the current order, report, document, appointment... */
    private final class Walk {
        final MappingContext ctx;
        final String type;
        final boolean results;
        final java.util.Set<Segment> mapped = new java.util.HashSet<>();
        Segment pendingOrc;
        ServiceRequest request;
        DiagnosticReport report;
        Specimen specimen;
        MedicationRequest medication;
        Resource lastRx;
        Immunization immunization;
        DocumentReference document;
        StringBuilder documentText;
        Appointment appointment;
        Segment appointmentSegment;
        Observation lastObservation;
        final java.util.List<Observation> reportObservations = new java.util.ArrayList<>();
        Consumer<String> noteTarget;
        final java.util.Map<String, Observation> byCodeAndSubId = new java.util.HashMap<>();

        Walk(MappingContext ctx, String type) {
            this.ctx = ctx;
            this.type = type;
            this.results = RESULT_TYPES.contains(type);
        }

        void segment(Segment s, Segment next) {
            String name = s.name();
            boolean handled = true;
            switch (name) {
                case "EVN" -> {
                    // mapped with the Provenance, once every resource is made
                }
                case "PID" -> {
                    flushOrc();
                    Patient previous = ctx.patient;
                    ctx.patient = patients.map(s, ctx);
                    if (previous != null && (ctx.trigger.equals("A24") || ctx.trigger.equals("A37"))) {
                        link(previous, ctx.patient, ctx.trigger.equals("A24"), s);
                    }
                    ctx.patientKey = PidToPatient.senderKey(s);
                    noteTarget = null;
                }
                case "PD1" -> {
                    if (ctx.patient != null) {
                        patients.pd1(s, ctx.patient, ctx);
                    } else {
                        handled = false;
                    }
                }
                case "NK1" -> {
                    if (ctx.patient != null) {
                        patients.nk1(s, ctx.patient, ctx);
                    } else {
                        handled = false;
                    }
                }
                case "MRG" -> patients.mrg(s, ctx.patient, ctx);
                case "PV1" -> {
                    ctx.encounter = encounters.map(s, ctx);
                    noteTarget = null;
                }
                case "PV2" -> {
                    if (ctx.encounter != null) {
                        encounters.pv2(s, ctx.encounter, ctx);
                    } else {
                        handled = false;
                    }
                }
                case "ORC" -> {
                    flushOrc();
                    endOrder();
                    pendingOrc = s;
                    mapped.add(s);
                    if (!startsDetail(next)) {
                        flushOrc();
                    }
                    return;
                }
                case "OBR" -> obr(s);
                case "OBX" -> obx(s);
                case "NTE" -> nte(s);
                case "SPM" -> {
                    specimen = orders.specimen(s, ctx);
                    if (report != null) {
                        report.addSpecimen(MappingContext.ref(specimen));
                        // in ORU_R01 2.5+ the specimen follows the results it belongs to
                        for (Observation o : reportObservations) {
                            if (!o.hasSpecimen()) {
                                o.setSpecimen(MappingContext.ref(specimen));
                            }
                        }
                    }
                    if (request != null) {
                        request.addSpecimen(MappingContext.ref(specimen));
                    }
                    noteTarget = text -> specimen.addNote(new Annotation().setText(text));
                }
                case "TQ1" -> {
                    if (appointment != null) {
                        documents.timing(s, appointment, appointmentSegment, ctx);
                    } else if (request != null) {
                        orders.tq1(s, request, ctx);
                    } else if (medication != null) {
                        medicationTiming(s);
                    } else {
                        handled = false;
                    }
                }
                case "AL1", "IAM" -> {
                    var a = clinical.allergy(s, ctx);
                    noteTarget = text -> a.addNote(new Annotation().setText(text));
                }
                case "DG1" -> {
                    var c = clinical.diagnosis(s, ctx);
                    noteTarget = text -> c.addNote(new Annotation().setText(text));
                }
                case "PRB" -> {
                    var c = clinical.problem(s, ctx);
                    noteTarget = text -> c.addNote(new Annotation().setText(text));
                }
                case "PR1" -> {
                    var p = clinical.procedure(s, ctx);
                    noteTarget = text -> p.addNote(new Annotation().setText(text));
                }
                case "RXO", "RXE" -> {
                    Segment orc = pendingOrc;
                    pendingOrc = null;
                    medication = medications.request(orc, s, ctx);
                    lastRx = medication;
                    MedicationRequest m = medication;
                    noteTarget = text -> m.addNote(new Annotation().setText(text));
                }
                case "RXR" -> {
                    if (lastRx instanceof MedicationRequest m) {
                        medications.route(s, m.getDosageInstructionFirstRep(), ctx);
                    } else if (lastRx instanceof org.hl7.fhir.r4.model.MedicationDispense d) {
                        medications.route(s, d.getDosageInstructionFirstRep(), ctx);
                    } else if (lastRx instanceof Immunization im) {
                        im.setRoute(ctx.types.concept(s.field(1)));
                        im.setSite(ctx.types.concept(s.field(2)));
                    } else if (lastRx instanceof org.hl7.fhir.r4.model.MedicationAdministration ma) {
                        ma.getDosage().setRoute(ctx.types.concept(s.field(1)));
                        ma.getDosage().setSite(ctx.types.concept(s.field(2)));
                    } else {
                        handled = false;
                    }
                }
                case "RXD" -> {
                    pendingOrc = null;
                    var d = medications.dispense(s, medication, ctx);
                    lastRx = d;
                    noteTarget = text -> d.addNote(new Annotation().setText(text));
                }
                case "RXA" -> rxa(s);
                case "TXA" -> {
                    finishDocument();
                    document = documents.document(s, ctx);
                    documentText = new StringBuilder();
                    noteTarget = text -> document.setDescription((document.hasDescription()
                            ? document.getDescription() + "\n" : "") + text);
                }
                case "SCH" -> {
                    finishAppointment();
                    appointment = documents.appointment(s, ctx);
                    appointmentSegment = s;
                    noteTarget = text -> appointment.setComment((appointment.hasComment()
                            ? appointment.getComment() + "\n" : "") + text);
                }
                case "AIS", "AIG", "AIL", "AIP" -> {
                    if (appointment != null) {
                        documents.resource(s, appointment, ctx);
                    } else {
                        handled = false;
                    }
                }
                case "IN1" -> documents.coverage(s, ctx);
                case "ROL" -> clinical.role(s, ctx);
                case "FT1" -> documents.charge(s, ctx);
                case "RF1" -> {
                    var referral = orders.referral(s, ctx);
                    request = referral;
                    noteTarget = text -> referral.addNote(new Annotation().setText(text));
                }
                default -> handled = false;
            }
            if (handled) {
                mapped.add(s);
            } else {
                unmapped(s);
            }
        }

        /**
         * A24 (link patient information) names two patients the sender holds to be one: each
         * Patient says so of the other (seealso). A37 (unlink) undoes such a link: FHIR has no
         * "unlink" in a Bundle of current state, so the report says which two were unlinked.
         */
        private void link(Patient first, Patient second, boolean link, Segment secondPid) {
            if (link) {
                first.addLink().setOther(MappingContext.ref(second)).setType(Patient.LinkType.SEEALSO);
                second.addLink().setOther(MappingContext.ref(first)).setType(Patient.LinkType.SEEALSO);
            } else {
                ctx.report.warning(MappingContext.at(secondPid), "A37: the sender unlinks this patient from the one "
                        + "before; a link recorded earlier must be removed where it is kept");
            }
        }

        private boolean startsDetail(Segment next) {
            return next != null && Set.of("OBR", "RXO", "RXE", "RXA", "RXD", "TQ1", "NTE", "ODS", "ODT", "RXG",
                    "TXA", "PRT", "OBX").contains(next.name());
        }

        private void unmapped(Segment s) {
            if (s.name().startsWith("Z")) {
                ctx.report.info(MappingContext.at(s), "Z-segment kept in this report, not in FHIR: " + s.text());
            } else if (IGNORED.contains(s.name())) {
                ctx.report.info(MappingContext.at(s), "segment not mapped: " + s.text());
            } else {
                ctx.report.warning(MappingContext.at(s), "segment not mapped: " + s.text());
            }
        }

        private void flushOrc() {
            if (pendingOrc != null) {
                Segment orc = pendingOrc;
                pendingOrc = null;
                if (!type.equals("VXU") && !type.equals("RDS")) {
                    request = orders.serviceRequest(orc, null, ctx);
                    ServiceRequest r = request;
                    noteTarget = text -> r.addNote(new Annotation().setText(text));
                }
            }
        }

        private void endOrder() {
            ctx.orderKey = null;
            report = null;
            request = null;
            specimen = null;
            medication = null;
            lastRx = null;
            immunization = null;
        }

        private void obr(Segment s) {
            Segment orc = pendingOrc;
            pendingOrc = null;
            if (orc == null) {
                endOrder();
            }
            finishDocument();
            request = orders.serviceRequest(orc, s, ctx);
            reportObservations.clear();
            ServiceRequest r = request;
            noteTarget = text -> r.addNote(new Annotation().setText(text));
            if (results) {
                report = orders.report(s, request, ctx);
                r.setStatus(ServiceRequest.ServiceRequestStatus.COMPLETED);
                Specimen fromObr = orders.obrSpecimen(s, ctx);
                if (fromObr != null) {
                    report.addSpecimen(MappingContext.ref(fromObr));
                    r.addSpecimen(MappingContext.ref(fromObr));
                    specimen = fromObr;
                }
                parent(s);
            } else {
                Specimen fromObr = orders.obrSpecimen(s, ctx);
                if (fromObr != null) {
                    r.addSpecimen(MappingContext.ref(fromObr));
                }
            }
        }

        /** A child OBR (OBR-26 names the parent result; OBR-29 the parent order): microbiology sensitivities. */
        private void parent(Segment obr) {
            var parentResult = obr.field(26);
            if (parentResult.isEmpty()) {
                return;
            }
            String key = parentResult.component(1).text(1) + "|" + parentResult.text(2);
            Observation parent = byCodeAndSubId.get(key);
            if (parent == null) {
                ctx.report.warning(MappingContext.at(obr, 26), "parent result " + key + " not found in the message");
                return;
            }
            report.addExtension("urn:harbour:extension:parent-result", MappingContext.ref(parent));
            currentParent = parent;
        }

        Observation currentParent;

        private void obx(Segment s) {
            if (document != null) {
                documents.content(s, document, documentText, ctx);
                mapped.add(s);
                return;
            }
            String category = results ? category() : switch (type) {
                case "VXU" -> "survey";
                case "ADT", "PPR", "BAR" -> "exam";
                case "ORM", "OML", "OMG", "REF", "ORL" -> "laboratory";
                default -> null;
            };
            Observation o = observations.map(s, ctx, category);
            lastObservation = o;
            noteTarget = text -> o.addNote(new Annotation().setText(text));
            String valueType = s.text(2);
            if (valueType.equals("ED") && report != null) {
                for (var ed : s.all(5)) {
                    report.addPresentedForm(ObxToObservation.attachment(ed, s, ctx));
                }
            } else if (valueType.equals("ED")) {
                o.setValue(new org.hl7.fhir.r4.model.StringType("attachment of " + ObxToObservation.attachment(
                        s.field(5), s, ctx).getContentType() + ", " + s.field(5).text(5).length() + " characters; see the message"));
                ctx.report.warning(MappingContext.at(s, 5), "encapsulated data outside a report or document: kept in the raw message only");
            }
            if (report != null) {
                reportObservations.add(o);
                report.addResult(MappingContext.ref(o));
                if (specimen != null) {
                    o.setSpecimen(MappingContext.ref(specimen));
                }
                o.addBasedOn(MappingContext.ref(request));
                if (report.hasEffective() && !o.hasEffective()) {
                    o.setEffective(report.getEffective().copy());
                }
            } else if (request != null) {
                request.addSupportingInfo(MappingContext.ref(o));
            }
            if (immunization != null) {
                o.addPartOf(MappingContext.ref(immunization));
            }
            if (currentParent != null) {
                currentParent.addHasMember(MappingContext.ref(o));
            }
            String key = s.field(3).text(1) + "|" + s.text(4);
            byCodeAndSubId.putIfAbsent(key, o);
        }

        private String category() {
            if (report == null) {
                return "laboratory";
            }
            String section = report.getCategoryFirstRep().getCodingFirstRep().getCode();
            return switch (section == null ? "" : section) {
                case "RAD", "CT", "NMR", "NMS", "RUS", "VUS", "OUS", "CUS", "XRC" -> "imaging";
                case "PHY", "PT", "EC", "CP", "EN" -> "procedure";
                default -> "laboratory";
            };
        }

        private void nte(Segment s) {
            s.consumed(1, 4);
            StringBuilder text = new StringBuilder();
            for (var line : s.all(3)) {
                text.append(text.length() == 0 ? "" : "\n").append(line.decoded());
            }
            if (text.length() == 0) {
                mapped.add(s);
                return;
            }
            if (noteTarget == null) {
                ctx.report.info(MappingContext.at(s), "note with nothing to attach it to: " + text);
            } else {
                noteTarget.accept(text.toString());
            }
            if (s.has(4)) {
                ctx.report.info(MappingContext.at(s, 4), "note comment type " + s.field(4).decoded());
            }
            mapped.add(s);
        }

        private void rxa(Segment s) {
            Segment orc = pendingOrc;
            pendingOrc = null;
            boolean vaccine = type.equals("VXU") || ctx.types.concept(s.field(5)) != null
                    && s.field(5).text(3).equalsIgnoreCase("CVX");
            if (vaccine) {
                immunization = medications.immunization(s, orc, ctx);
                lastRx = immunization;
                Immunization im = immunization;
                noteTarget = text -> im.addNote(new Annotation().setText(text));
            } else {
                var ma = medications.administration(s, medication, ctx);
                lastRx = ma;
                noteTarget = text -> ma.addNote(new Annotation().setText(text));
            }
        }

        private void medicationTiming(Segment tq1) {
            tq1.consumed(1);
            var dosage = medication.getDosageInstructionFirstRep();
            var start = ctx.types.dateTime(tq1, 7);
            var end = ctx.types.dateTime(tq1, 8);
            if (start != null || end != null) {
                dosage.getTiming().getRepeat().setBounds(new org.hl7.fhir.r4.model.Period()
                        .setStartElement(start).setEndElement(end));
            }
            if (tq1.has(3)) {
                dosage.getTiming().getCode().setText(tq1.field(3).decoded());
            }
            for (var priority : tq1.all(9)) {
                ctx.table("request-priority").map(priority.text(1)).ifPresent(t ->
                        medication.setPriority(MedicationRequest.MedicationRequestPriority.fromCode(t.code())));
            }
        }

        private void finishDocument() {
            if (document != null) {
                documents.finish(document, documentText);
                document = null;
                documentText = null;
            }
        }

        private void finishAppointment() {
            if (appointment != null) {
                documents.finish(appointment, ctx, appointmentSegment);
                appointment = null;
            }
        }

        void finish() {
            flushOrc();
            finishDocument();
            finishAppointment();
        }
    }
}
