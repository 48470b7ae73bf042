package org.harbour.routes.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.consent.ConsentStore;
import org.harbour.routes.consent.RecordKinds;
import org.harbour.routes.disclose.NotificationRenderer;
import org.harbour.routes.disclose.Recipients;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * The words of a patient's disclosure report, in English and Traditional Chinese: who the patient
 * is (masked), who received what (the recipient's name and institution, each record as "Laboratory
 * result: Potassium, 3 Dec 2026"), under which consent, and what was withheld and the true reason.
 * A record withheld only because no consent of the patient covers its kind at all (the visit
 * that travels with a lab result) is counted, not listed: nobody could have received it.
 */
final class PatientDisclosureReport {

    /** The two languages of the report. */
    enum Language {
        EN("en", Locale.UK, DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK),
                DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.UK)),
        ZH("zh-HK", Locale.TRADITIONAL_CHINESE, DateTimeFormatter.ofPattern("yyyy年M月d日"),
                DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm"));

        final String tag;
        final Locale locale;
        final DateTimeFormatter date;
        final DateTimeFormatter time;

        Language(String tag, Locale locale, DateTimeFormatter date, DateTimeFormatter time) {
            this.tag = tag;
            this.locale = locale;
            this.date = date;
            this.time = time;
        }

        static Language of(String tag) {
            return tag != null && tag.toLowerCase(Locale.ROOT).startsWith("zh") ? ZH : EN;
        }

        String pick(String english, String chinese) {
            return this == ZH ? chinese : english;
        }
    }

    /** A record in words. */
    record RecordWords(String reference, String kind, String what, String date) {
        String sentence() {
            return kind + (what == null ? "" : ": " + what) + (date == null ? "" : ", " + date);
        }
    }

    /** One listed line: a disclosure, or a withholding with its reason. */
    record Line(String at, boolean disclosed, String recipient, String recipientName, String organization,
            List<RecordWords> records, String consent, String consentWords, String reason) {
    }

    private static final Map<String, String[]> KINDS = Map.ofEntries(
            Map.entry("Observation", new String[] {"Observation", "觀察記錄"}),
            Map.entry("Observation|laboratory", new String[] {"Laboratory result", "化驗結果"}),
            Map.entry("Observation|vital-signs", new String[] {"Vital signs", "生命表徵"}),
            Map.entry("Observation|imaging", new String[] {"Imaging result", "影像檢查結果"}),
            Map.entry("DiagnosticReport", new String[] {"Test report", "檢驗報告"}),
            Map.entry("Encounter", new String[] {"Visit", "就診記錄"}),
            Map.entry("MedicationRequest", new String[] {"Prescription", "處方"}),
            Map.entry("MedicationDispense", new String[] {"Medicine dispensed", "配藥記錄"}),
            Map.entry("MedicationAdministration", new String[] {"Medicine given", "用藥記錄"}),
            Map.entry("AllergyIntolerance", new String[] {"Allergy", "過敏記錄"}),
            Map.entry("Immunization", new String[] {"Vaccination", "疫苗接種"}),
            Map.entry("DocumentReference", new String[] {"Document", "文件"}),
            Map.entry("Condition", new String[] {"Diagnosis", "診斷"}),
            Map.entry("Procedure", new String[] {"Procedure", "醫療程序"}),
            Map.entry("ServiceRequest", new String[] {"Test order", "檢驗申請"}),
            Map.entry("DetectedIssue", new String[] {"Repeated-test alert", "重複檢驗提示"}),
            Map.entry("Specimen", new String[] {"Specimen", "樣本"}),
            Map.entry("Appointment", new String[] {"Appointment", "預約"}),
            Map.entry("Patient", new String[] {"Personal details", "個人資料"}));

    private final RecordStore records;
    private final Recipients recipients;
    private final ConsentStore consents;
    private final ZoneId zone;
    private final Language language;
    private final Map<String, Optional<Resource>> read = new LinkedHashMap<>();

    PatientDisclosureReport(RecordStore records, Recipients recipients, ConsentStore consents, HarbourProperties properties,
            Language language) {
        this.records = records;
        this.recipients = recipients;
        this.consents = consents;
        this.zone = properties.timezone();
        this.language = language;
    }

    Language language() {
        return language;
    }

    private Optional<Resource> resource(String reference) {
        return read.computeIfAbsent(reference, ref -> {
            int slash = ref == null ? -1 : ref.indexOf('/');
            return slash < 0 ? Optional.empty() : records.read(ref.substring(0, slash), ref.substring(slash + 1));
        });
    }

    /** The patient as the report names them: initials (Latin and Chinese) and the masked HKID. */
    String patient(String patientId) {
        Optional<Resource> found = resource("Patient/" + patientId);
        if (found.isEmpty() || !(found.get() instanceof Patient p)) {
            return "Patient/" + patientId;
        }
        List<String> parts = new ArrayList<>();
        parts.add(NotificationRenderer.initials(p));
        for (HumanName name : p.getName()) {
            if (name.hasFamily() && name.getFamily().codePoints().anyMatch(c -> c >= 0x2E80)) {
                int given = name.getGiven().stream().map(StringType::getValue).mapToInt(g -> g.codePointCount(0, g.length()))
                        .sum();
                parts.add(name.getFamily() + "＊".repeat(Math.max(1, given)));
                break;
            }
        }
        String hkid = NotificationRenderer.maskedHkid(p);
        return String.join(" / ", parts) + (hkid == null ? "" : ", HKID " + hkid);
    }

    /** Each record of an entry in words. */
    List<RecordWords> words(List<String> references) {
        List<RecordWords> out = new ArrayList<>();
        for (String ref : references) {
            Optional<Resource> found = resource(ref);
            String type = ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : ref;
            if (found.isEmpty()) {
                out.add(new RecordWords(ref, kind(type, null), null, null));
                continue;
            }
            Resource r = found.get();
            out.add(new RecordWords(ref, kind(type, r), what(r), date(r)));
        }
        return out;
    }

    private String kind(String type, Resource r) {
        String[] words = null;
        if (r != null) {
            for (String k : RecordKinds.of(r)) {
                if (k.startsWith(RecordKinds.OBSERVATION_CATEGORY + "|")) {
                    words = KINDS.get(type + "|" + k.substring(k.indexOf('|') + 1));
                    if (words != null) {
                        break;
                    }
                }
            }
        }
        if (words == null) {
            words = KINDS.get(type);
        }
        return words == null ? type : language.pick(words[0], words[1]);
    }

    private static String what(Resource r) {
        CodeableConcept code = null;
        if (r instanceof org.hl7.fhir.r4.model.Observation o) {
            code = o.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.DiagnosticReport d) {
            code = d.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.Immunization i) {
            code = i.getVaccineCode();
        } else if (r instanceof org.hl7.fhir.r4.model.MedicationRequest m) {
            code = m.hasMedicationCodeableConcept() ? m.getMedicationCodeableConcept() : null;
        } else if (r instanceof org.hl7.fhir.r4.model.Condition c) {
            code = c.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.AllergyIntolerance a) {
            code = a.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.DocumentReference d) {
            code = d.getType();
        } else if (r instanceof org.hl7.fhir.r4.model.ServiceRequest s) {
            code = s.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.Procedure p) {
            code = p.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.DetectedIssue d) {
            code = d.getCode();
        } else if (r instanceof org.hl7.fhir.r4.model.Encounter e) {
            code = e.getTypeFirstRep();
        }
        if (code == null || code.isEmpty()) {
            return null;
        }
        if (code.hasText()) {
            return code.getText();
        }
        return code.getCoding().stream().filter(c -> c.hasDisplay()).map(c -> c.getDisplay()).findFirst()
                .orElse(code.getCodingFirstRep().getCode());
    }

    private String date(Resource r) {
        org.hl7.fhir.r4.model.Type when = null;
        if (r instanceof org.hl7.fhir.r4.model.Observation o) {
            when = o.hasEffective() ? o.getEffective() : o.getIssuedElement();
        } else if (r instanceof org.hl7.fhir.r4.model.DiagnosticReport d) {
            when = d.hasEffective() ? d.getEffective() : d.getIssuedElement();
        } else if (r instanceof org.hl7.fhir.r4.model.Immunization i) {
            when = i.getOccurrence();
        } else if (r instanceof org.hl7.fhir.r4.model.MedicationRequest m) {
            when = m.getAuthoredOnElement();
        } else if (r instanceof org.hl7.fhir.r4.model.Condition c) {
            when = c.hasOnset() ? c.getOnset() : c.getRecordedDateElement();
        } else if (r instanceof org.hl7.fhir.r4.model.AllergyIntolerance a) {
            when = a.getRecordedDateElement();
        } else if (r instanceof org.hl7.fhir.r4.model.DocumentReference d) {
            when = d.getDateElement();
        } else if (r instanceof org.hl7.fhir.r4.model.ServiceRequest s) {
            when = s.getAuthoredOnElement();
        } else if (r instanceof org.hl7.fhir.r4.model.Encounter e) {
            when = e.getPeriod().getStartElement();
        } else if (r instanceof org.hl7.fhir.r4.model.DetectedIssue d) {
            when = d.getIdentified();
        }
        if (when instanceof org.hl7.fhir.r4.model.Period period) {
            when = period.getStartElement();
        }
        if (!(when instanceof BaseDateTimeType dt) || dt.getValue() == null) {
            return null;
        }
        return language.date.format(dt.getValue().toInstant().atZone(zone));
    }

    /** A recipient's name and institution, as configured (the id when no longer configured). */
    String[] recipient(String id) {
        HarbourProperties.Recipient r = id == null ? null : recipients.all().get(id);
        if (r == null) {
            return new String[] {id, null};
        }
        return new String[] {r.name() == null ? id : r.name(), r.organization()};
    }

    /** The consent in words: when given and until when. */
    String consentWords(String reference) {
        if (reference == null || !reference.startsWith("Consent/")) {
            return null;
        }
        Optional<Resource> found = consents.current("Consent", reference.substring("Consent/".length()));
        if (found.isEmpty() || !(found.get() instanceof Consent c)) {
            return reference;
        }
        StringBuilder words = new StringBuilder(language.pick("your consent", "您的同意書"));
        if (c.hasDateTime()) {
            words.append(language.pick(" of ", "（")).append(language.date.format(c.getDateTime().toInstant().atZone(zone)))
                    .append(language.pick("", "簽署）"));
        }
        if (c.getProvision().getPeriod().hasEnd()) {
            words.append(language.pick(", until ", "，有效至"))
                    .append(endDate(c.getProvision().getPeriod().getEndElement()));
        }
        return words.append(" (").append(reference).append(')').toString();
    }

    private String endDate(org.hl7.fhir.r4.model.DateTimeType end) {
        String text = end.getValueAsString();
        if (text.length() == 10) {
            return language.date.format(LocalDate.parse(text));
        }
        return language.date.format(end.getValue().toInstant().atZone(zone));
    }

    /** Why a record was withheld, for the patient. */
    String reason(String decision) {
        String d = decision == null ? "" : decision;
        if (d.contains(" was revoked")) {
            return language.pick("you had withdrawn the consent that allowed it", "您已撤回准許披露的同意書");
        }
        if (d.contains(" ended on ")) {
            return language.pick("the consent that allowed it had ended", "准許披露的同意書已到期");
        }
        if (d.contains(" begins on ")) {
            return language.pick("the consent that allows it had not yet begun", "准許披露的同意書尚未生效");
        }
        if (d.contains(" denies ")) {
            return language.pick("your consent refuses it to this recipient", "您的同意書拒絕向此收件人披露");
        }
        if (d.contains("not configured") || d.contains("misconfigured")) {
            return language.pick("the recipient could not be reached safely", "未能安全地送達收件人");
        }
        return language.pick("no consent of yours allowed this recipient to receive it",
                "您的同意書並未准許此收件人接收");
    }

    /**
     * Whether a withholding is noise for the patient: a default deny of records whose kind no
     * consent of the patient (in any state) covers for anybody, so nobody could have received them.
     */
    boolean nobodyCouldReceive(String patientId, String decision, List<String> references) {
        if (decision == null || !decision.contains("no active consent permits")) {
            return false;
        }
        List<Consent> all = consents.consentsOf(patientId);
        for (String ref : references) {
            Optional<Resource> r = resource(ref);
            Set<String> kinds = r.map(RecordKinds::of).orElse(Set.of());
            for (Consent c : all) {
                if (covers(c.getProvision(), kinds)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean covers(Consent.ProvisionComponent provision, Set<String> kinds) {
        if (provision.getType() == Consent.ConsentProvisionType.PERMIT && (provision.getClass_().isEmpty()
                || provision.getClass_().stream().anyMatch(c -> kinds.contains(c.getSystem() + "|" + c.getCode())))) {
            return true;
        }
        return provision.getProvision().stream().anyMatch(p -> covers(p, kinds));
    }

    String time(Instant at) {
        return language.time.format(at.atZone(zone));
    }

    static List<String> references(AuditEvent e, String role) {
        List<String> out = new ArrayList<>();
        for (AuditEvent.AuditEventEntityComponent entity : e.getEntity()) {
            if (role.equals(entity.getRole().getCode()) && entity.getWhat().hasReference()) {
                out.add(entity.getWhat().getReference());
            }
        }
        return out;
    }
}
