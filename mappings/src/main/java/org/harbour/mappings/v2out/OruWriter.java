package org.harbour.mappings.v2out;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.Version;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * ORU^R01: PID (and PV1 for the results' encounter), then per DiagnosticReport an OBR with its
 * Observations as OBX (NM, SN, ST/TX, CWE/CE, DTM/TS, TM values; units, reference range,
 * interpretation, status, time) and their notes as NTE; a microbiology child result (an
 * Observation with members) as its own OBR after its parent's. Observations no report names
 * go under one OBR of their own.
 */
final class OruWriter {

    private final V2Writer w;
    private final FhirToV2.Resources resources;
    /** The results some report lists: each goes under its own report's OBR, never as another's child. */
    private final Set<Observation> reported = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final boolean v231;
    // HAPI's group names: 2.5.1 names them, 2.3.1 spells out their segments
    private final String patientGroup;
    private final String visitGroup;
    private final String orderGroup;
    private final String observationGroup;

    OruWriter(V2Writer w, Version version, FhirToV2.Resources resources) {
        this.w = w;
        this.resources = resources;
        this.v231 = version == Version.V231;
        String root = v231 ? "/PIDPD1NK1NTEPV1PV2ORCOBRNTEOBXNTECTI" : "/PATIENT_RESULT";
        this.patientGroup = root + (v231 ? "/PIDPD1NK1NTEPV1PV2" : "/PATIENT");
        this.visitGroup = patientGroup + (v231 ? "/PV1PV2" : "/VISIT");
        this.orderGroup = root + (v231 ? "/ORCOBRNTEOBXNTECTI" : "/ORDER_OBSERVATION");
        this.observationGroup = v231 ? "/OBXNTE" : "/OBSERVATION";
    }

    void write() throws HL7Exception {
        List<DiagnosticReport> reports = resources.all(DiagnosticReport.class);
        Patient patient = resources.first(Patient.class);
        if (patient == null && !reports.isEmpty()) {
            Resource subject = resources.resolve(reports.get(0).getSubject());
            patient = subject instanceof Patient p ? p : null;
        }
        if (patient != null) {
            w.pid(patientGroup + "/PID", patient);
        } else {
            w.report.warning("PID", "the Bundle has no Patient: PID carries no identity");
            w.set(patientGroup + "/PID-1", "1");
        }
        Encounter encounter = resources.first(Encounter.class);
        if (encounter != null) {
            new AdtWriter(w, resources, v231).pv1(visitGroup + "/PV1", encounter);
        }
        Set<Observation> placed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (DiagnosticReport report : reports) {
            for (Reference ref : report.getResult()) {
                if (resources.resolve(ref) instanceof Observation o) {
                    reported.add(o);
                }
            }
        }
        int order = 0;
        for (DiagnosticReport report : reports) {
            w.resources.use(report);
            List<Observation> results = new ArrayList<>();
            for (Reference ref : report.getResult()) {
                if (resources.resolve(ref) instanceof Observation o) {
                    results.add(o);
                } else {
                    w.report.warning("DiagnosticReport.result", ref.getReference() + " is not in the Bundle: not sent");
                }
            }
            order = order(order, report, results, placed);
        }
        List<Observation> loose = new ArrayList<>();
        for (Observation o : resources.all(Observation.class)) {
            if (!placed.contains(o)) {
                loose.add(o);
            }
        }
        if (!loose.isEmpty()) {
            order(order, null, loose, placed);
        }
    }

    /** One OBR with its results; children (members) of a result follow as OBRs of their own. Returns the next index. */
    private int order(int index, DiagnosticReport report, List<Observation> results, Set<Observation> placed)
            throws HL7Exception {
        String group = orderGroup + "(" + index + ")";
        String obr = group + "/OBR";
        w.set(obr + "-1", String.valueOf(index + 1));
        if (report != null) {
            if (!v231) {
                w.set(group + "/ORC-1", "RE");
                orderNumbers(group + "/ORC", report);
            }
            orderNumbers(obr, report);
            w.ce(obr + "-4", report.getCode());
            if (report.hasEffectiveDateTimeType()) {
                w.set(obr + "-7", w.time(report.getEffectiveDateTimeType()));
            } else if (report.hasEffectivePeriod()) {
                w.set(obr + "-7", w.time(report.getEffectivePeriod().getStartElement()));
                w.set(obr + "-8", w.time(report.getEffectivePeriod().getEndElement()));
            }
            if (report.hasIssued()) {
                w.set(obr + "-22", w.time(report.getIssuedElement()));
            }
            for (CodeableConcept category : report.getCategory()) {
                for (Coding c : category.getCoding()) {
                    if ("http://terminology.hl7.org/CodeSystem/v2-0074".equals(c.getSystem())) {
                        w.set(obr + "-24", c.getCode());
                    }
                }
            }
            w.set(obr + "-25", w.reverse("diagnostic-report-status", report.getStatus() == null ? null
                    : report.getStatus().toCode(), status(report.getStatus() == null ? null : report.getStatus().toCode())));
            if (report.hasConclusion()) {
                w.report.info("DiagnosticReport.conclusion", "no place in OBR: not sent");
            }
        } else {
            // results no report names: ORU has no OBX outside an OBR, so they go under one of their own
            // (read back, it is a report of its own); the first result names it
            Observation first = results.get(0);
            w.ce(obr + "-4", first.getCode());
            w.report.info("OBR[" + (index + 1) + "]", "results without a DiagnosticReport: sent under an OBR of"
                    + " their own, named by the first");
        }
        int obx = 0;
        List<Observation> children = new ArrayList<>();
        for (Observation o : results) {
            if (!placed.add(o)) {
                continue;
            }
            obx(group + observationGroup + "(" + obx + ")", obx + 1, o);
            obx++;
            for (Reference member : o.getHasMember()) {
                if (resources.resolve(member) instanceof Observation child && !placed.contains(child)
                        && !reported.contains(child)) {
                    children.add(child);
                }
            }
        }
        int next = index + 1;
        if (!children.isEmpty()) {
            next = order(next, null, children, placed);
        }
        return next;
    }

    /** The placer and filler order numbers (fields 2 and 3 of ORC and of OBR). */
    private void orderNumbers(String segment, DiagnosticReport report) throws HL7Exception {
        for (Identifier id : report.getIdentifier()) {
            String type = id.getType().getCodingFirstRep().getCode();
            if ("PLAC".equals(type)) {
                w.set(segment + "-2-1", id.getValue());
            } else if ("FILL".equals(type)) {
                w.set(segment + "-3-1", id.getValue());
            }
        }
    }

    private void obx(String group, int setId, Observation o) throws HL7Exception {
        observation(w, v231, group + "/OBX", group + "/NTE", setId, o);
    }

    /** One Observation as OBX (and its notes as NTE where the structure has them: {@code nte} null where not). */
    static void observation(V2Writer w, boolean v231, String obx, String nte, int setId, Observation o)
            throws HL7Exception {
        w.resources.use(o);
        w.set(obx + "-1", String.valueOf(setId));
        w.ce(obx + "-3", o.getCode());
        value(w, v231, obx, o);
        if (!o.getReferenceRange().isEmpty()) {
            Observation.ObservationReferenceRangeComponent range = o.getReferenceRangeFirstRep();
            w.set(obx + "-7", range.hasText() ? range.getText() : range(range));
        }
        int flag = 0;
        Set<String> flags = new LinkedHashSet<>();
        for (CodeableConcept interpretation : o.getInterpretation()) {
            for (Coding c : interpretation.getCoding()) {
                flags.add(c.getCode());
            }
        }
        for (String f : flags) {
            w.set(obx + "-8(" + flag++ + ")", f);
        }
        String status = o.getStatus() == null ? null : o.getStatus().toCode();
        w.set(obx + "-11", "unknown".equals(status) ? null : w.reverse("observation-status", status, status(status)));
        if (o.hasEffectiveDateTimeType()) {
            w.set(obx + "-14", w.time(o.getEffectiveDateTimeType()));
        }
        int notes = 0;
        for (Annotation note : o.getNote()) {
            if (nte == null) {
                w.report.info("Observation/" + o.getIdElement().getIdPart() + ".note", "no NTE after OBX in this"
                        + " message structure: not sent");
                break;
            }
            String[] lines = note.getText() == null ? new String[0] : note.getText().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                w.set(nte + "(" + notes + ")-3(" + i + ")", lines[i]);
            }
            w.set(nte + "(" + notes + ")-1", String.valueOf(notes + 1));
            notes++;
        }
        for (String element : List.of("bodySite", "method", "specimen", "device", "component", "derivedFrom")) {
            if (o.getNamedProperty(element) != null && o.getNamedProperty(element).hasValues()) {
                w.report.info("Observation/" + o.getIdElement().getIdPart() + "." + element, "no place in OBX: not sent");
            }
        }
    }

    private static void value(V2Writer w, boolean v231, String obx, Observation o) throws HL7Exception {
        if (!o.hasValue()) {
            return;
        }
        if (o.hasValueQuantity()) {
            Quantity q = o.getValueQuantity();
            if (q.hasComparator()) {
                w.set(obx + "-2", "SN");
                w.set(obx + "-5-1", q.getComparator().toCode());
                w.set(obx + "-5-2", plain(q.getValue()));
            } else {
                w.set(obx + "-2", "NM");
                w.set(obx + "-5", plain(q.getValue()));
            }
            units(w, obx, q);
        } else if (o.hasValueStringType()) {
            String text = o.getValueStringType().getValue();
            if (text.indexOf('\n') >= 0) {
                // lines of text: TX, one repetition a line
                w.set(obx + "-2", "TX");
                String[] lines = text.split("\r?\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    w.set(obx + "-5(" + i + ")", lines[i]);
                }
            } else {
                w.set(obx + "-2", text.length() > 199 ? "TX" : "ST");
                w.set(obx + "-5", text);
            }
        } else if (o.hasValueCodeableConcept()) {
            w.set(obx + "-2", v231 ? "CE" : "CWE");
            w.ce(obx + "-5", o.getValueCodeableConcept());
        } else if (o.hasValueDateTimeType()) {
            w.set(obx + "-2", v231 ? "TS" : "DTM");
            w.set(obx + "-5", w.time(o.getValueDateTimeType()));
        } else if (o.hasValueRange()) {
            w.set(obx + "-2", "SN");
            w.set(obx + "-5-2", plain(o.getValueRange().getLow().getValue()));
            w.set(obx + "-5-3", "-");
            w.set(obx + "-5-4", plain(o.getValueRange().getHigh().getValue()));
            units(w, obx, o.getValueRange().getLow());
        } else if (o.hasValueRatio()) {
            w.set(obx + "-2", "SN");
            w.set(obx + "-5-2", plain(o.getValueRatio().getNumerator().getValue()));
            w.set(obx + "-5-3", ":");
            w.set(obx + "-5-4", plain(o.getValueRatio().getDenominator().getValue()));
        } else if (o.hasValueIntegerType()) {
            w.set(obx + "-2", "NM");
            w.set(obx + "-5", String.valueOf(o.getValueIntegerType().getValue()));
        } else if (o.hasValueTimeType()) {
            w.set(obx + "-2", "TM");
            w.set(obx + "-5", o.getValueTimeType().getValue().replace(":", ""));
        } else {
            w.report.warning("Observation/" + o.getIdElement().getIdPart() + ".value[x]", o.getValue().fhirType()
                    + " has no OBX-2 type here: not sent");
        }
    }

    private static void units(V2Writer w, String obx, Quantity q) throws HL7Exception {
        if (q == null || (!q.hasUnit() && !q.hasCode())) {
            return;
        }
        boolean ucum = "http://unitsofmeasure.org".equals(q.getSystem());
        w.set(obx + "-6-1", q.hasCode() ? q.getCode() : q.getUnit());
        w.set(obx + "-6-2", q.hasUnit() ? q.getUnit() : q.getCode());
        w.set(obx + "-6-3", ucum ? "UCUM" : FhirToV2.codingSystem(q.getSystem()));
    }

    private static String range(Observation.ObservationReferenceRangeComponent r) {
        String low = r.hasLow() ? plain(r.getLow().getValue()) : "";
        String high = r.hasHigh() ? plain(r.getHigh().getValue()) : "";
        if (low.isEmpty() && high.isEmpty()) {
            return null;
        }
        if (low.isEmpty()) {
            return "<" + high;
        }
        return high.isEmpty() ? ">" + low : low + "-" + high;
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    /** Result status (table 0085/0123) for an Observation or DiagnosticReport status. */
    static String status(String fhir) {
        if (fhir == null) {
            return null;
        }
        return switch (fhir) {
            case "final" -> "F";
            case "corrected", "amended" -> "C";
            case "preliminary", "partial" -> "P";
            case "registered" -> "I";
            case "cancelled" -> "X";
            case "entered-in-error" -> "W";
            default -> null;
        };
    }
}
