package org.harbour.mappings.fhir;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;

/**
 * OBX → Observation: value by OBX-2 (NM → Quantity with UCUM where known; SN → Quantity with a
 * comparator, Range or Ratio; ST/TX/FT → string; CE/CWE → CodeableConcept; DT/DTM/TS → dateTime;
 * TM → time), reference range, interpretation (OBX-8), status (OBX-11, corrections included),
 * times, performers, method, body site. An ED value is an attachment, which Observation cannot
 * hold: it is returned for the report's presentedForm or the document's content.
 */
final class ObxToObservation {

    static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String SUB_ID = "urn:harbour:extension:v2-observation-sub-id";
    private static final Pattern RANGE = Pattern.compile("\\s*(-?[\\d.]+)\\s*[-–~]\\s*(-?[\\d.]+)\\s*");
    private static final Pattern BOUND = Pattern.compile("\\s*([<>]=?|≤|≥)\\s*(-?[\\d.]+)\\s*");

    Observation map(Segment obx, MappingContext ctx, String category) {
        obx.consumed(1);
        // within an order, a result is the order's test code and sub-id: the same in a resend and in a correction
        String key = ctx.orderKey == null || obx.field(3).text(1).isEmpty() ? null
                : ctx.orderKey + "|" + obx.field(3).text(1) + "^" + obx.field(3).text(3) + "|" + obx.text(4);
        Observation o = ctx.addStable(new Observation(), key, "OBX|" + obx.position());
        String status = obx.text(11);
        o.setStatus(Observation.ObservationStatus.fromCode(ctx.table("observation-status").codeOrFallback(status)));
        if (status.isEmpty()) {
            ctx.report.info(MappingContext.at(obx, 11), "no result status; Observation.status unknown");
        }
        if (category != null) {
            o.addCategory().addCoding().setSystem(CATEGORY).setCode(category);
        }
        CodeableConcept code = ctx.types.concept(obx.field(3));
        o.setCode(code != null ? code : new CodeableConcept().setText("unknown observation"));
        if (code == null) {
            ctx.report.warning(MappingContext.at(obx, 3), "observation without an identifier");
        }
        if (!obx.text(4).isEmpty()) {
            o.addExtension(SUB_ID, new StringType(obx.text(4)));
        }
        o.setSubject(ctx.patientRef());
        o.setEncounter(ctx.encounterRef());
        value(obx, o, ctx);
        referenceRange(obx, o);
        for (Composite flag : obx.all(8)) {
            CodeableConcept interpretation = ctx.types.tableConcept(flag.text(1), "observation-interpretation");
            if (interpretation != null) {
                o.addInterpretation(interpretation);
            }
        }
        if (obx.has(9)) {
            o.addNote().setText("probability " + obx.text(9));
        }
        for (Composite nature : obx.all(10)) {
            o.addNote().setText("nature of abnormal test: " + nature.text(1));
        }
        if (obx.has(12)) {
            ctx.report.info(MappingContext.at(obx, 12), "reference range effective date not mapped: " + obx.text(12));
        }
        if (obx.has(13)) {
            ctx.report.info(MappingContext.at(obx, 13), "user-defined access checks not mapped: " + obx.field(13).decoded());
        }
        DateTimeType effective = ctx.types.dateTime(obx, 14);
        if (effective != null) {
            o.setEffective(effective);
        }
        if (obx.has(15)) {
            o.addPerformer(ctx.types.organization(obx.field(15).text(2).isEmpty() ? obx.field(15).text(1)
                    : obx.field(15).text(2), obx.field(15).text(1)));
        }
        for (Composite xcn : obx.all(16)) {
            Reference r = ctx.types.practitioner(xcn);
            if (r != null) {
                o.addPerformer(r);
            }
        }
        if (obx.has(17)) {
            o.setMethod(ctx.types.concept(obx.field(17)));
        }
        var devices = obx.all(18);
        if (!devices.isEmpty()) {
            // each repetition identifies the same instrument (EI), as the sender's and as a universal id
            org.hl7.fhir.r4.model.Device device = ctx.add(new org.hl7.fhir.r4.model.Device(), "Device|OBX|" + obx.position());
            for (Composite ei : devices) {
                Identifier id = ctx.types.entityIdentifier(ei, "device");
                if (id != null) {
                    device.addIdentifier(id);
                } else if (!ei.text(3).isEmpty()) {
                    device.addIdentifier(V2Types.universalId(ei.text(3), ei.text(4)));
                }
            }
            o.setDevice(MappingContext.ref(device).setDisplay(devices.get(0).text(1).isEmpty() ? null : devices.get(0).text(1)));
        }
        if (o.hasEffective() && obx.has(19)) {
            o.setIssuedElement(ctx.types.instant(obx, 19));
        } else {
            DateTimeType analysed = ctx.types.dateTime(obx, 19);
            if (analysed != null) {
                o.setEffective(analysed);
            }
        }
        if (obx.has(20)) {
            o.setBodySite(ctx.types.concept(obx.field(20)));
        }
        if (obx.has(21)) {
            o.addIdentifier(ctx.types.entityIdentifier(obx.field(21), "observation"));
        }
        if (obx.has(23)) {
            o.addPerformer(ctx.types.organization(obx.field(23)));
        }
        if (obx.has(24)) {
            ctx.report.info(MappingContext.at(obx, 24), "performing organization address kept on the report only");
        }
        for (Composite director : obx.all(25)) {
            Reference r = ctx.types.practitioner(director);
            if (r != null) {
                o.addPerformer(r);
            }
        }
        return o;
    }

    private static void value(Segment obx, Observation o, MappingContext ctx) {
        String type = obx.text(2);
        var values = obx.all(5);
        if (values.isEmpty()) {
            if (!o.hasDataAbsentReason()) {
                o.getDataAbsentReason().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/data-absent-reason")
                        .setCode("unknown");
            }
            return;
        }
        Composite first = values.get(0);
        Type value = switch (type) {
            case "NM" -> numeric(first.text(1), obx, o, ctx);
            case "SN" -> structured(first, obx, ctx);
            case "CE", "CWE", "CNE", "CF", "CD" -> ctx.types.concept(first);
            case "DT", "DTM", "TS" -> ctx.types.dateTime(obx, 5, first.text(1));
            case "TM" -> first.text(1).matches("\\d{2}(\\d{2}(\\d{2})?)?") ? new TimeType(time(first.text(1))) : null;
            case "ED", "RP" -> null;
            case "ID", "IS" -> first.text(1).equals("Y") || first.text(1).equals("N")
                    ? new BooleanType(first.text(1).equals("Y")) : new StringType(first.text(1));
            default -> null;
        };
        if (type.equals("ED")) {
            o.setValue(new StringType("see attached document"));
            return;
        }
        if (type.equals("RP")) {
            // a reference pointer: where the document is (RP.1), who holds it (RP.2), what it is (RP.3, RP.4)
            Composite rp = first;
            StringBuilder text = new StringBuilder("referenced document: ").append(rp.text(1));
            String kind = rp.text(3) + (rp.text(4).isEmpty() ? "" : "/" + rp.text(4));
            if (!kind.isEmpty()) {
                text.append(" (").append(kind).append(')');
            }
            if (!rp.component(2).decoded().isEmpty()) {
                text.append(", held by ").append(rp.component(2).decoded().replace(String.valueOf(obx.delimiters().subcomponent()), " "));
            }
            o.setValue(new StringType(text.toString()));
            return;
        }
        if (value == null) {
            StringBuilder text = new StringBuilder();
            for (Composite v : values) {
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(type.equals("FT") || type.equals("TX") || type.equals("ST") || type.isEmpty()
                        ? v.decoded() : v.decoded().replace(String.valueOf(obx.delimiters().component()), " "));
            }
            value = new StringType(text.toString());
            if (!type.isEmpty() && !type.equals("ST") && !type.equals("TX") && !type.equals("FT")) {
                ctx.report.info(MappingContext.at(obx, 5), "value of type " + type + " kept as text");
            }
        } else if (values.size() > 1) {
            // FHIR has one value per Observation: repeated values become components of the same code
            for (Composite v : values) {
                Type each = type.equals("NM") ? numeric(v.text(1), obx, o, ctx)
                        : type.equals("SN") ? structured(v, obx, ctx) : ctx.types.concept(v);
                o.addComponent().setCode(o.getCode().copy()).setValue(each);
            }
            return;
        }
        o.setValue(value);
    }

    static Attachment attachment(Composite ed, Segment obx, MappingContext ctx) {
        Attachment a = new Attachment();
        String subtype = ed.text(3);
        String encoding = ed.text(4);
        String data = ed.text(5);
        String mime = switch (subtype.toUpperCase()) {
            case "PDF" -> "application/pdf";
            case "RTF" -> "application/rtf";
            case "HTML" -> "text/html";
            case "XML" -> "application/xml";
            case "JPEG", "JPG" -> "image/jpeg";
            case "PNG" -> "image/png";
            case "TIFF" -> "image/tiff";
            case "GIF" -> "image/gif";
            case "OCTET-STREAM" -> "application/octet-stream";
            default -> subtype.contains("/") ? subtype.toLowerCase() : (ed.text(2).equalsIgnoreCase("TEXT")
                    ? "text/plain" : "application/octet-stream");
        };
        a.setContentType(mime);
        if (data.isEmpty()) {
            ctx.report.warning(MappingContext.at(obx, 5), "attachment of type " + mime + " without data");
        } else if (encoding.equalsIgnoreCase("Base64")) {
            try {
                a.setData(java.util.Base64.getMimeDecoder().decode(data));
            } catch (IllegalArgumentException e) {
                ctx.report.warning(MappingContext.at(obx, 5), "attachment is not valid Base64; kept as text");
                a.setData(data.getBytes(java.nio.charset.StandardCharsets.UTF_8)).setContentType("text/plain");
            }
        } else if (encoding.equalsIgnoreCase("Hex")) {
            a.setData(java.util.HexFormat.of().parseHex(data.replaceAll("\\s", "")));
        } else {
            a.setData(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("A")) {
                ctx.report.warning(MappingContext.at(obx, 5), "attachment encoding '" + encoding + "' kept as text");
            }
        }
        return a;
    }

    private static String time(String hhmmss) {
        String t = (hhmmss + "0000").substring(0, 6);
        return t.substring(0, 2) + ":" + t.substring(2, 4) + ":" + t.substring(4, 6);
    }

    private static Type numeric(String text, Segment obx, Observation o, MappingContext ctx) {
        Quantity q = ctx.types.quantity(text, obx.field(6));
        if (q == null) {
            ctx.report.warning(MappingContext.at(obx, 5), "NM value is not a number; kept as text");
            return new StringType(text);
        }
        return q;
    }

    /** SN: comparator ^ number ^ separator ^ number. */
    private static Type structured(Composite sn, Segment obx, MappingContext ctx) {
        String comparator = sn.text(1);
        String n1 = sn.text(2);
        String separator = sn.text(3);
        String n2 = sn.text(4);
        if (separator.isEmpty() && n2.isEmpty()) {
            Quantity q = ctx.types.quantity(n1, obx.field(6));
            if (q == null) {
                return new StringType(sn.decoded());
            }
            if (!comparator.isEmpty()) {
                if (!comparator.matches("<|<=|>|>=")) {
                    return new StringType(sn.decoded());
                }
                q.setComparator(Quantity.QuantityComparator.fromCode(comparator));
            }
            return q;
        }
        if (separator.equals("-") || separator.equals("~")) {
            Quantity low = ctx.types.quantity(n1, obx.field(6));
            Quantity high = ctx.types.quantity(n2, obx.field(6));
            if (low != null && high != null) {
                return new Range().setLow(simple(low)).setHigh(simple(high));
            }
        }
        if (separator.equals(":") || separator.equals("/")) {
            BigDecimal a = V2Types.decimal(n1);
            BigDecimal b = V2Types.decimal(n2);
            if (a != null && b != null) {
                return new Ratio().setNumerator(new Quantity().setValue(a)).setDenominator(new Quantity().setValue(b));
            }
        }
        return new StringType(sn.decoded().replace(String.valueOf(obx.delimiters().component()), ""));
    }

    private static org.hl7.fhir.r4.model.SimpleQuantity simple(Quantity q) {
        org.hl7.fhir.r4.model.SimpleQuantity s = new org.hl7.fhir.r4.model.SimpleQuantity();
        s.setValue(q.getValue()).setUnit(q.getUnit()).setSystem(q.getSystem()).setCode(q.getCode());
        return s;
    }

    private static void referenceRange(Segment obx, Observation o) {
        String text = obx.text(7);
        if (text.isEmpty()) {
            return;
        }
        Observation.ObservationReferenceRangeComponent range = o.addReferenceRange();
        Quantity unit = o.getValue() instanceof Quantity q ? q : null;
        Matcher between = RANGE.matcher(text);
        Matcher bound = BOUND.matcher(text);
        if (between.matches() && V2Types.decimal(between.group(1)) != null && V2Types.decimal(between.group(2)) != null) {
            range.setLow(like(unit, V2Types.decimal(between.group(1))));
            range.setHigh(like(unit, V2Types.decimal(between.group(2))));
        } else if (bound.matches() && V2Types.decimal(bound.group(2)) != null) {
            if (bound.group(1).startsWith("<") || bound.group(1).equals("≤")) {
                range.setHigh(like(unit, V2Types.decimal(bound.group(2))));
            } else {
                range.setLow(like(unit, V2Types.decimal(bound.group(2))));
            }
        }
        range.setText(text);
    }

    private static org.hl7.fhir.r4.model.SimpleQuantity like(Quantity unit, BigDecimal value) {
        org.hl7.fhir.r4.model.SimpleQuantity q = new org.hl7.fhir.r4.model.SimpleQuantity();
        q.setValue(value);
        if (unit != null) {
            q.setUnit(unit.getUnit()).setSystem(unit.getSystem()).setCode(unit.getCode());
        }
        return q;
    }
}
