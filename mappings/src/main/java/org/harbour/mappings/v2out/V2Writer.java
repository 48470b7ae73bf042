package org.harbour.mappings.v2out;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.harbour.mappings.fhir.ConversionReport;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * The shared parts of the v2 writers: MSH, PID and the data types (CX, XPN, XAD, XTN, CE/CWE,
 * TS), written through HAPI's {@link Terser} so that one writer serves 2.5.1 and 2.3.1, whose
 * groups are named differently but whose fields are the same.
 */
final class V2Writer {

    private static final String REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
    private static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";

    final Terser t;
    final FhirToV2.Settings settings;
    final ConversionReport report;
    final FhirToV2.Resources resources;

    V2Writer(Terser t, FhirToV2.Settings settings, ConversionReport report, FhirToV2.Resources resources) {
        this.t = t;
        this.settings = settings;
        this.report = report;
        this.resources = resources;
    }

    /**
     * A FHIR code back to its v2 table's code through the same code table the inbound direction
     * reads (the first code it lists for it); {@code otherwise} when the table has none.
     */
    String reverse(String table, String fhirCode, String otherwise) {
        if (fhirCode == null) {
            return null;
        }
        return settings.codes().get(table).reverse(fhirCode).orElse(otherwise);
    }

    /**
     * Sets a field or component; nothing for an empty value. A line break has no place in a
     * field (it would end the segment for many receivers): written as a space, and reported.
     * Returns whether anything was written.
     */
    boolean set(String path, String value) throws HL7Exception {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            report.info(path, "a line break has no place in this field: written as a space");
            value = value.replaceAll("\\r\\n|[\\r\\n]", " ");
        }
        t.set(path, value);
        return true;
    }

    void msh(String type, String event, String structure, String controlId, String version, Instant now,
            MessageHeader header) throws HL7Exception {
        set("/MSH-3-1", settings.sendingApplication());
        set("/MSH-4-1", settings.sendingFacility());
        if (header != null) {
            // the inbound message's header: its event decided the message type; its sender and receiver are not this one's
            resources.use(header);
        }
        set("/MSH-7", time(now));
        set("/MSH-9-1", type);
        set("/MSH-9-2", event);
        if (!"2.3.1".equals(version) || !structure.startsWith("ADT_A0")) {
            set("/MSH-9-3", structure);
        }
        set("/MSH-10", controlId);
        set("/MSH-11-1", "P");
        set("/MSH-12-1", version);
    }

    /** MSH-18 for the destination's charset (set after building, when the charset is known). */
    void charset(String msh18) throws HL7Exception {
        set("/MSH-18", msh18);
    }

    /** PID from the Patient: identifiers, names (Chinese as a further repetition), birth date, sex, address, phones. */
    void pid(String pid, Patient p) throws HL7Exception {
        set(pid + "-1", "1");
        if (p == null) {
            report.warning("PID", "the Bundle has no Patient: PID carries no identity");
            return;
        }
        resources.use(p);
        int rep = 0;
        for (Identifier id : p.getIdentifier()) {
            if (cx(pid + "-3(" + rep + ")", id)) {
                rep++;
            }
        }
        rep = 0;
        for (HumanName name : p.getName()) {
            if (xpn(pid + "-5(" + rep + ")", name)) {
                rep++;
            }
        }
        if (p.hasBirthDateElement()) {
            set(pid + "-7-1", date(p.getBirthDateElement()));
        }
        if (p.hasGender()) {
            set(pid + "-8", reverse("administrative-gender", p.getGender().toCode(), "U"));
        }
        rep = 0;
        for (Address address : p.getAddress()) {
            if (xad(pid + "-11(" + rep + ")", address)) {
                rep++;
            }
        }
        int home = 0;
        int work = 0;
        for (ContactPoint telecom : p.getTelecom()) {
            if (telecom.getUse() == ContactPoint.ContactPointUse.WORK) {
                work += xtn(pid + "-14(" + work + ")", telecom) ? 1 : 0;
            } else {
                home += xtn(pid + "-13(" + home + ")", telecom) ? 1 : 0;
            }
        }
        if (p.hasMaritalStatus()) {
            Coding marital = p.getMaritalStatus().getCodingFirstRep();
            if ("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus".equals(marital.getSystem())) {
                // back to table 0002 through the same code table the inbound reads
                set(pid + "-16-1", reverse("marital-status", marital.getCode(), marital.getCode()));
                set(pid + "-16-2", marital.getDisplay());
                set(pid + "-16-3", "HL70002");
            } else {
                ce(pid + "-16", p.getMaritalStatus());
            }
        }
        if (p.hasDeceasedDateTimeType()) {
            set(pid + "-29-1", time(p.getDeceasedDateTimeType()));
            set(pid + "-30", "Y");
        } else if (p.hasDeceasedBooleanType()) {
            set(pid + "-30", p.getDeceasedBooleanType().booleanValue() ? "Y" : "N");
        }
        for (String element : List.of("contact", "communication", "generalPractitioner", "link", "photo")) {
            if (p.getNamedProperty(element) != null && p.getNamedProperty(element).hasValues()) {
                report.info("Patient." + element, "no place in PID: not sent");
            }
        }
    }

    /** An identifier as CX: value, assigning authority, identifier type. False when it has no value. */
    boolean cx(String path, Identifier id) throws HL7Exception {
        if (!id.hasValue()) {
            return false;
        }
        String system = id.getSystem();
        if (settings.hkidSystem().equals(system)) {
            String v = id.getValue();
            set(path + "-1", v.length() >= 2 ? v.substring(0, v.length() - 1) + "(" + v.charAt(v.length() - 1) + ")" : v);
            set(path + "-4-1", "HKID");
            set(path + "-5", "NNHKG");
            return true;
        }
        set(path + "-1", id.getValue());
        set(path + "-4-1", authority(id));
        if (system != null && !system.equals("urn:harbour:id:" + lowerToken(authority(id)))) {
            // a system the authority's name alone would not give back: its universal id (an OID or a URI)
            boolean oid = system.startsWith("urn:oid:");
            set(path + "-4-2", oid ? system.substring("urn:oid:".length()) : system);
            set(path + "-4-3", oid ? "ISO" : "URI");
        }
        String type = id.getType().getCoding().stream().filter(c -> IDENTIFIER_TYPE.equals(c.getSystem())
                || (c.getSystem() != null && c.getSystem().endsWith(":0203"))).map(Coding::getCode).findFirst()
                .orElse(null);
        set(path + "-5", type);
        return true;
    }

    /** The CX-4 authority: the configured one for the system, the assigner's name, or the hub's own name for it. */
    private String authority(Identifier id) {
        String system = id.getSystem();
        if (system == null) {
            return null;
        }
        for (var entry : settings.identifierSystems().entrySet()) {
            if (entry.getValue().equals(system)) {
                return entry.getKey();
            }
        }
        if (id.hasAssigner() && id.getAssigner().hasDisplay()) {
            return id.getAssigner().getDisplay();
        }
        if (system.startsWith("urn:harbour:id:")) {
            String rest = system.substring("urn:harbour:id:".length());
            return (rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest).toUpperCase(Locale.ROOT);
        }
        return system.startsWith("urn:oid:") ? system.substring("urn:oid:".length()) : system;
    }

    private static String lowerToken(String authority) {
        if (authority == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (char c : authority.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append(Character.isLetterOrDigit(c) || c == '.' || c == '-' ? c : '_');
        }
        return out.toString();
    }

    /** XPN; false (nothing written) for a name with no family name, given name or text. */
    boolean xpn(String path, HumanName name) throws HL7Exception {
        if (!name.hasFamily() && !name.hasGiven()) {
            if (name.hasText()) {
                set(path + "-1", name.getText());
                report.info(path, "a name given only as text: written as the family name");
            } else {
                return false;
            }
        }
        set(path + "-1", name.getFamily());
        List<StringType> given = name.getGiven();
        if (!given.isEmpty()) {
            set(path + "-2", given.get(0).getValue());
        }
        if (given.size() > 1) {
            set(path + "-3", String.join(" ", given.subList(1, given.size()).stream().map(StringType::getValue).toList()));
        }
        if (name.hasSuffix()) {
            set(path + "-4", name.getSuffixAsSingleString());
        }
        if (name.hasPrefix()) {
            set(path + "-5", name.getPrefixAsSingleString());
        }
        if (name.hasUse()) {
            set(path + "-7", reverse("name-use", name.getUse().toCode(), null));
        }
        if (name.hasExtension(REPRESENTATION)) {
            // an ideographic name: the character set's mark in XPN-8 (table 4000), as the inbound reads it
            set(path + "-8", "I");
        }
        return true;
    }

    /** XAD; false when the address has nothing to write. */
    boolean xad(String path, Address a) throws HL7Exception {
        if (a.getLine().isEmpty() && !a.hasCity() && !a.hasState() && !a.hasPostalCode() && !a.hasCountry()
                && !a.hasDistrict()) {
            if (a.hasText()) {
                report.info(path, "an address given only as text: not sent");
            }
            return false;
        }
        List<StringType> lines = a.getLine();
        if (!lines.isEmpty()) {
            set(path + "-1", lines.get(0).getValue());
        }
        if (lines.size() > 1) {
            set(path + "-2", lines.get(1).getValue());
        }
        set(path + "-3", a.getCity());
        set(path + "-4", a.getState());
        set(path + "-5", a.getPostalCode());
        set(path + "-6", a.getCountry());
        set(path + "-9", a.getDistrict());
        if (a.hasUse()) {
            set(path + "-7", reverse("address-use", a.getUse().toCode(), null));
        }
        return true;
    }

    /** XTN; false for a contact point without a value. */
    boolean xtn(String path, ContactPoint c) throws HL7Exception {
        if (!c.hasValue() || c.getValue().isBlank()) {
            return false;
        }
        if (c.getSystem() == ContactPoint.ContactPointSystem.EMAIL) {
            set(path + "-2", "NET");
            set(path + "-3", "Internet");
            set(path + "-4", c.getValue());
            return true;
        }
        String use = c.getUse() == ContactPoint.ContactPointUse.WORK ? "WPN"
                : c.getUse() == ContactPoint.ContactPointUse.MOBILE ? "PRS" : "PRN";
        set(path + "-2", use);
        set(path + "-3", c.getUse() == ContactPoint.ContactPointUse.MOBILE ? "CP"
                : c.getSystem() == ContactPoint.ContactPointSystem.FAX ? "FX" : "PH");
        String value = c.getValue() == null ? "" : c.getValue().trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\+(\\d{1,3})\\s+(.+)").matcher(value);
        if (m.matches()) {
            set(path + "-5", m.group(1));
            String[] parts = m.group(2).trim().split("\\s+", 2);
            if (parts.length == 2) {
                // "+1 555 5552004": area code and local number
                set(path + "-6", parts[0]);
                set(path + "-7", parts[1].replace(" ", ""));
            } else {
                set(path + "-7", parts[0]);
            }
        } else {
            set(path + "-1", value);
        }
        return true;
    }

    /** A CodeableConcept as CE/CWE: the first coding with its system's v2 name; the text where no code. */
    void ce(String path, CodeableConcept cc) throws HL7Exception {
        if (cc == null || cc.isEmpty()) {
            return;
        }
        Coding first = cc.getCoding().isEmpty() ? null : cc.getCodingFirstRep();
        if (first == null) {
            set(path + "-2", cc.getText());
            return;
        }
        set(path + "-1", first.getCode());
        set(path + "-2", first.hasDisplay() ? first.getDisplay() : cc.getText());
        set(path + "-3", FhirToV2.codingSystem(first.getSystem()));
        if (cc.getCoding().size() > 1) {
            Coding second = cc.getCoding().get(1);
            set(path + "-4", second.getCode());
            set(path + "-5", second.getDisplay());
            set(path + "-6", FhirToV2.codingSystem(second.getSystem()));
        }
    }

    /** A FHIR dateTime/instant in the hub's zone with its offset, at its own precision. */
    String time(BaseDateTimeType dt) {
        if (dt == null || dt.getValue() == null) {
            return null;
        }
        TemporalPrecisionEnum precision = dt.getPrecision();
        if (precision.ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
            return date(dt);
        }
        ZonedDateTime at = dt.getValue().toInstant().atZone(settings.timezone());
        String pattern = switch (precision) {
            case MINUTE -> "yyyyMMddHHmmZ";
            case SECOND -> "yyyyMMddHHmmssZ";
            default -> "yyyyMMddHHmmss.SSSZ";
        };
        return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(at);
    }

    String time(Instant at) {
        return DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ", Locale.ROOT).format(at.atZone(settings.timezone()));
    }

    /** A date at its own precision: YYYY, YYYYMM or YYYYMMDD. */
    static String date(BaseDateTimeType dt) {
        String text = dt.getValueAsString();
        String digits = text.length() >= 10 ? text.substring(0, 10) : text;
        return digits.replace("-", "");
    }
}
