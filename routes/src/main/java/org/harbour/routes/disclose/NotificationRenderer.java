package org.harbour.routes.disclose;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.harbour.connectors.chat.ChatMessage;
import org.harbour.routes.consent.RecordKinds;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * What a notification says, by the recipient's disclosure level (minimum necessary):
 * {@code link-only} says only that a record is available, with a link; {@code minimum} adds a
 * masked identity (initials, HKID as {@code A123***(*)}), the kind of record, test, value, unit,
 * flag and time; {@code full} a readable summary (full name, date of birth, reference ranges,
 * notes). Every message ends with a watermark naming the recipient and the send time; critical
 * results (HH, LL, AA or a critical interpretation) make it urgent.
 */
public class NotificationRenderer {

    static final int MAX_RECORD_LINES = 25;
    private static final Set<String> CRITICAL = Set.of("HH", "LL", "AA", "HU", "LU");
    private static final String HKID = "urn:harbour:id:hkid";

    private final String publicBaseUrl;
    private final DateTimeFormatter minute;
    private final DateTimeFormatter second;

    public NotificationRenderer(String publicBaseUrl, ZoneId zone) {
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        this.minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
        this.second = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx").withZone(zone);
    }

    public ChatMessage render(String key, String recipient, String disclosure, List<String> mentions, Patient patient,
            List<Resource> records, Instant now) {
        Resource main = records.stream().filter(DiagnosticReport.class::isInstance).findFirst().orElse(records.get(0));
        String link = publicBaseUrl + "/fhir/" + main.fhirType() + "/" + main.getIdElement().getIdPart();
        String watermark = "Harbour · sent to " + recipient + " at " + second.format(now) + " · confidential";
        boolean urgent = !disclosure.equals("link-only") && records.stream().anyMatch(NotificationRenderer::critical);
        List<String> lines = new ArrayList<>();
        String title;
        if (disclosure.equals("link-only")) {
            title = "New record in Harbour";
            lines.add("A new record is available. Open the link to see it (sign-in required).");
        } else {
            boolean full = disclosure.equals("full");
            String who = patient == null ? "unknown patient" : full ? fullName(patient) : initials(patient);
            title = (urgent ? "Critical " : "New ") + RecordKinds.DISCLOSABLE.getOrDefault(main.fhirType(), "record")
                    .toLowerCase(Locale.ROOT) + " for " + who;
            if (patient != null) {
                lines.add("Patient: " + who + (maskedHkid(patient) == null ? "" : ", HKID " + maskedHkid(patient))
                        + (full && patient.hasBirthDate() ? ", born " + patient.getBirthDateElement().getValueAsString()
                                + (patient.hasGender() ? ", " + patient.getGender().toCode() : "") : ""));
            }
            int shown = 0;
            for (Resource r : records) {
                if (shown++ == MAX_RECORD_LINES) {
                    lines.add("… and " + (records.size() - MAX_RECORD_LINES) + " more (open the record)");
                    break;
                }
                lines.add(describe(r, full));
            }
        }
        return new ChatMessage(key, title, lines, link, watermark, urgent, urgent ? mentions : List.of());
    }

    static boolean critical(Resource r) {
        if (!(r instanceof Observation o)) {
            return false;
        }
        for (CodeableConcept interpretation : o.getInterpretation()) {
            for (Coding c : interpretation.getCoding()) {
                if (CRITICAL.contains(c.getCode()) || (c.getDisplay() != null
                        && c.getDisplay().toLowerCase(Locale.ROOT).contains("critical"))) {
                    return true;
                }
            }
            if (interpretation.getText() != null && interpretation.getText().toLowerCase(Locale.ROOT).contains("critical")) {
                return true;
            }
        }
        return false;
    }

    private String describe(Resource r, boolean full) {
        String label = RecordKinds.DISCLOSABLE.getOrDefault(r.fhirType(), r.fhirType());
        if (r instanceof Observation o) {
            StringBuilder b = new StringBuilder(label).append(": ").append(text(o.getCode()));
            String value = value(o.getValue());
            if (value != null) {
                b.append(' ').append(value);
            }
            String flag = flags(o);
            if (!flag.isEmpty()) {
                b.append(" (").append(flag).append(')');
            }
            if (full && !o.getReferenceRange().isEmpty()) {
                Observation.ObservationReferenceRangeComponent range = o.getReferenceRangeFirstRep();
                b.append(", range ").append(range.hasText() ? range.getText() : value(range.getLow()) + "–"
                        + value(range.getHigh()));
            }
            if (o.hasEffectiveDateTimeType()) {
                b.append(", ").append(when(o.getEffectiveDateTimeType().getValue()));
            }
            if (full && o.hasNote()) {
                b.append(". Note: ").append(o.getNoteFirstRep().getText());
            }
            return b.toString();
        }
        if (r instanceof DiagnosticReport d) {
            return label + ": " + text(d.getCode()) + " (" + (d.hasStatus() ? d.getStatus().toCode() : "unknown") + ")"
                    + (d.hasEffectiveDateTimeType() ? ", " + when(d.getEffectiveDateTimeType().getValue()) : "")
                    + (full && d.hasConclusion() ? ". " + d.getConclusion() : "");
        }
        if (r instanceof MedicationRequest m) {
            return label + ": " + (m.hasMedicationCodeableConcept() ? text(m.getMedicationCodeableConcept()) : "medication")
                    + (full && m.hasDosageInstruction() && m.getDosageInstructionFirstRep().hasText()
                            ? ", " + m.getDosageInstructionFirstRep().getText() : "");
        }
        if (r instanceof AllergyIntolerance a) {
            return label + ": " + text(a.getCode()) + (a.hasCriticality() ? " (" + a.getCriticality().toCode() + ")" : "");
        }
        if (r instanceof Encounter e) {
            return label + ": " + (e.hasClass_() ? e.getClass_().getDisplay() != null ? e.getClass_().getDisplay()
                    : e.getClass_().getCode() : "visit") + (e.getPeriod().hasStart() ? ", " + when(e.getPeriod().getStart())
                    : "");
        }
        if (r instanceof DocumentReference d) {
            return label + ": " + text(d.getType()) + (d.hasDate() ? ", " + when(d.getDate()) : "");
        }
        if (r instanceof Immunization i) {
            return label + ": " + text(i.getVaccineCode()) + (i.hasOccurrenceDateTimeType()
                    ? ", " + when(i.getOccurrenceDateTimeType().getValue()) : "");
        }
        if (r instanceof org.hl7.fhir.r4.model.DetectedIssue issue) {
            return label + ": " + (issue.hasDetail() ? issue.getDetail() : text(issue.getCode()));
        }
        if (r instanceof Condition c) {
            return label + ": " + text(c.getCode());
        }
        if (r instanceof Procedure p) {
            return label + ": " + text(p.getCode()) + (p.hasPerformedDateTimeType()
                    ? ", " + when(p.getPerformedDateTimeType().getValue()) : "");
        }
        return label;
    }

    private String when(Date date) {
        return date == null ? "time unknown" : minute.format(date.toInstant());
    }

    private static String flags(Observation o) {
        List<String> out = new ArrayList<>();
        for (CodeableConcept i : o.getInterpretation()) {
            Coding c = i.getCodingFirstRep();
            if (c.hasCode() && !c.getCode().equals("N")) {
                out.add(c.getCode());
            }
        }
        return String.join(", ", out);
    }

    private static String value(Type value) {
        if (value instanceof Quantity q) {
            String number = q.hasValue() ? q.getValue().stripTrailingZeros().toPlainString() : "";
            String comparator = q.hasComparator() ? q.getComparator().toCode() : "";
            String unit = q.hasUnit() ? q.getUnit() : q.hasCode() ? q.getCode() : "";
            return (comparator + number + (unit.isEmpty() ? "" : " " + unit)).trim();
        }
        if (value instanceof CodeableConcept cc) {
            return text(cc);
        }
        if (value instanceof StringType s) {
            String text = s.getValue();
            return text != null && text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
        return value == null ? null : value.primitiveValue();
    }

    private static String text(CodeableConcept cc) {
        if (cc == null || cc.isEmpty()) {
            return "(no code)";
        }
        if (cc.hasText()) {
            return cc.getText();
        }
        Coding c = cc.getCodingFirstRep();
        return c.hasDisplay() ? c.getDisplay() : c.getCode();
    }

    /** Surname initial and given-name initials, from the Latin-script name when there is one: "C. T. M.". */
    public static String initials(Patient p) {
        HumanName name = chosen(p);
        if (name == null) {
            return "(no name)";
        }
        StringBuilder b = new StringBuilder();
        if (name.hasFamily()) {
            b.append(initial(name.getFamily())).append(". ");
        }
        for (StringType given : name.getGiven()) {
            for (String part : given.getValue().trim().split("[\\s\\-]+")) {
                if (!part.isEmpty()) {
                    b.append(initial(part)).append(". ");
                }
            }
        }
        return b.toString().trim();
    }

    private static String initial(String word) {
        return new String(Character.toChars(Character.toUpperCase(word.codePointAt(0))));
    }

    private static HumanName chosen(Patient p) {
        if (p.getName().isEmpty()) {
            return null;
        }
        return p.getName().stream().filter(n -> n.hasFamily() && n.getFamily().codePoints().allMatch(c -> c < 0x2E80))
                .findFirst().orElse(p.getNameFirstRep());
    }

    private static String fullName(Patient p) {
        List<String> names = new ArrayList<>();
        for (HumanName n : p.getName()) {
            String text = n.hasText() ? n.getText() : ((n.hasFamily() ? n.getFamily() : "") + " " + n.getGivenAsSingleString())
                    .trim();
            if (!text.isEmpty() && !names.contains(text)) {
                names.add(text);
            }
        }
        return names.isEmpty() ? "(no name)" : String.join(" / ", names);
    }

    /** {@code A123***(*)}: the letters and first three digits of a valid HKID, the rest hidden. */
    public static String maskedHkid(Patient p) {
        for (Identifier id : p.getIdentifier()) {
            if (HKID.equals(id.getSystem()) && id.hasValue() && id.getValue().matches("[A-Z]{1,2}\\d{6}[0-9A]")) {
                String v = id.getValue();
                int letters = Character.isLetter(v.charAt(1)) ? 2 : 1;
                return v.substring(0, letters + 3) + "***(*)";
            }
        }
        return null;
    }
}
