package org.harbour.mappings.fhir;

import java.math.BigDecimal;
import java.util.Locale;
import org.harbour.mappings.codes.CodeTable;
import org.harbour.mappings.id.Hkid;
import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * HL7 v2 data types to FHIR data types (following the V2-to-FHIR implementation guide's data
 * type maps: CWE → CodeableConcept, CX → Identifier, XPN → HumanName, XAD → Address,
 * XTN → ContactPoint, XCN → Practitioner, XON → Organization, PL → Location, DTM → dateTime).
 * Values that do not fit are reported, never dropped.
 */
final class V2Types {

    static final String REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
    private static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private final MappingContext ctx;
    private final V2Time time;
    private final CodeSystems systems;
    private final TranslatorSettings settings;

    V2Types(MappingContext ctx, V2Time time, CodeSystems systems, TranslatorSettings settings) {
        this.ctx = ctx;
        this.time = time;
        this.systems = systems;
        this.settings = settings;
    }

    // ---- codes

    /** CWE/CE/CNE/CF: primary and alternate codings, original text; null when empty. */
    CodeableConcept concept(Composite cwe) {
        if (cwe.isEmpty()) {
            return null;
        }
        CodeableConcept cc = new CodeableConcept();
        addCoding(cc, cwe.text(1), cwe.text(2), cwe.text(3));
        addCoding(cc, cwe.text(4), cwe.text(5), cwe.text(6));
        String original = cwe.text(9);
        if (!original.isEmpty()) {
            cc.setText(original);
        } else if (cc.getCoding().isEmpty() || cc.getCoding().stream().allMatch(c -> c.getCode() == null)) {
            cc.setText(!cwe.text(2).isEmpty() ? cwe.text(2) : cwe.decoded());
        }
        return cc;
    }

    private void addCoding(CodeableConcept cc, String code, String display, String system) {
        if (code.isEmpty() && display.isEmpty()) {
            return;
        }
        if (code.isEmpty()) {
            if (!cc.hasText()) {
                cc.setText(display);
            }
            return;
        }
        String uri = system.isEmpty() ? systems.local(null) : systems.system(system);
        if (!settings.codes().defines(uri, code)) {
            uri = systems.local(system);
        }
        Coding coding = cc.addCoding().setCode(code).setSystem(uri);
        if (!display.isEmpty()) {
            coding.setDisplay(display);
        }
    }

    /** A code from an HL7 table (ID/IS), as a CodeableConcept with the table's system and the mapped code. */
    CodeableConcept tableConcept(String code, String tableName) {
        if (code.isEmpty()) {
            return null;
        }
        CodeTable table = ctx.table(tableName);
        CodeableConcept cc = new CodeableConcept();
        table.map(code).ifPresentOrElse(
                t -> cc.addCoding().setSystem(t.system()).setCode(t.code()).setDisplay(t.display()),
                () -> cc.addCoding().setSystem(systems.local(table.sourceSystem() == null ? tableName
                        : table.sourceSystem().substring(table.sourceSystem().lastIndexOf('/') + 1))).setCode(code));
        return cc;
    }

    /** A code from an HL7 table with no FHIR mapping here: kept with a system naming the sender and table. */
    CodeableConcept v2Code(String code, String table) {
        if (code.isEmpty()) {
            return null;
        }
        CodeableConcept cc = new CodeableConcept();
        cc.addCoding().setSystem(systems.local("HL7" + table)).setCode(code);
        return cc;
    }

    // ---- times

    DateTimeType dateTime(Segment s, int field) {
        return dateTime(s, field, s.text(field));
    }

    DateTimeType dateTime(Segment s, int field, String text) {
        if (text.isEmpty()) {
            return null;
        }
        DateTimeType dt = time.dateTime(text);
        if (dt == null) {
            ctx.report.warning(MappingContext.at(s, field), "not a valid HL7 date/time: '" + text + "'; not mapped");
        }
        return dt;
    }

    DateType date(Segment s, int field) {
        String text = s.text(field);
        if (text.isEmpty()) {
            return null;
        }
        DateType d = time.date(text);
        if (d == null) {
            ctx.report.warning(MappingContext.at(s, field), "not a valid HL7 date: '" + text + "'; not mapped");
        }
        return d;
    }

    InstantType instant(String text) {
        return time.instant(text);
    }

    // ---- identifiers

    /**
     * CX → Identifier. HKIDs (type NNHKG, or authority HKID/HKG) are validated: a valid one gets
     * the HKID system and the normalised value; an invalid one is kept as given under an
     * unverified system, reported, and never used for linking.
     */
    Identifier identifier(Composite cx, Segment s, int field) {
        String value = cx.text(1);
        if (value.isEmpty()) {
            return null;
        }
        Identifier id = new Identifier();
        String type = cx.text(5);
        String authority = cx.text(4, 1);
        String universal = cx.text(4, 2);
        String authorityUpper = authority.toUpperCase(Locale.ROOT);
        boolean hkid = type.equalsIgnoreCase("NNHKG") || authorityUpper.equals("HKID") || authorityUpper.equals("HKG")
                || authorityUpper.equals("HKSAR") || authorityUpper.equals("HKIC");
        if (hkid) {
            var normal = Hkid.normalise(value);
            if (normal.isPresent()) {
                id.setSystem(settings.hkidSystem()).setValue(normal.get());
            } else {
                id.setSystem(settings.hkidSystem() + ":unverified").setValue(value);
                ctx.report.warning(MappingContext.at(s, field), "HKID fails its check digit; kept as given, "
                        + "not used to link the patient");
            }
            id.setType(identifierType("NNHKG", "National Person Identifier (Hong Kong)"));
            return id;
        }
        String mapped = settings.identifierSystems().get(authority);
        if (mapped != null) {
            id.setSystem(mapped);
        } else if (CodeSystems.isOid(universal) && cx.text(4, 3).equalsIgnoreCase("ISO")) {
            id.setSystem("urn:oid:" + universal);
        } else if (universal.matches("(?i)(https?|urn):.*")) {
            id.setSystem(universal);
        } else if (!authority.isEmpty()) {
            id.setSystem("urn:harbour:id:" + CodeSystems.token(authority.toLowerCase(Locale.ROOT)));
        } else {
            id.setSystem("urn:harbour:id:" + CodeSystems.token(ctx.sender.toLowerCase(Locale.ROOT))
                    + (type.isEmpty() ? "" : ":" + CodeSystems.token(type.toLowerCase(Locale.ROOT))));
        }
        id.setValue(value);
        if (!type.isEmpty()) {
            id.setType(identifierType(type, null));
        }
        return id;
    }

    /** EI (entity identifier: id^namespace^universal id^type) → Identifier. */
    Identifier entityIdentifier(Composite ei, String kind) {
        String value = ei.text(1);
        if (value.isEmpty()) {
            return null;
        }
        String namespace = ei.text(2).isEmpty() ? ctx.sender : ei.text(2);
        Identifier id = new Identifier().setValue(value);
        if (CodeSystems.isOid(ei.text(3)) && ei.text(4).equalsIgnoreCase("ISO")) {
            id.setSystem("urn:oid:" + ei.text(3));
        } else {
            id.setSystem("urn:harbour:id:" + CodeSystems.token(namespace.toLowerCase(Locale.ROOT)) + ":" + kind);
        }
        return id;
    }

    private CodeableConcept identifierType(String code, String display) {
        CodeableConcept cc = new CodeableConcept();
        if (settings.codes().defines(IDENTIFIER_TYPE, code)) {
            cc.addCoding().setSystem(IDENTIFIER_TYPE).setCode(code);
        } else {
            cc.addCoding().setSystem(systems.local("0203")).setCode(code);
            cc.setText(display == null ? code : display);
        }
        return cc;
    }

    // ---- people, places, organisations

    /** XPN → HumanName. Chinese (ideographic) names are marked as such and given their written form. */
    HumanName name(Composite xpn) {
        if (xpn.isEmpty()) {
            return null;
        }
        HumanName name = new HumanName();
        String family = xpn.text(1);
        if (!family.isEmpty()) {
            name.setFamily(family);
        }
        for (String given : new String[] {xpn.text(2), xpn.text(3)}) {
            if (!given.isEmpty()) {
                name.addGiven(given);
            }
        }
        if (!xpn.text(4).isEmpty()) {
            name.addSuffix(xpn.text(4));
        }
        if (!xpn.text(5).isEmpty()) {
            name.addPrefix(xpn.text(5));
        }
        if (!xpn.text(6).isEmpty()) {
            name.addSuffix(xpn.text(6));
        }
        String use = xpn.text(7);
        ctx.table("name-use").map(use).ifPresent(t -> name.setUse(HumanName.NameUse.fromCode(t.code())));
        if (isIdeographic(family) || name.getGiven().stream().anyMatch(g -> isIdeographic(g.getValue()))) {
            name.addExtension(REPRESENTATION, new CodeType("IDE"));
            StringBuilder text = new StringBuilder(family);
            name.getGiven().forEach(g -> text.append(g.getValue()));
            name.setText(text.toString());
        }
        return name;
    }

    static boolean isIdeographic(String text) {
        return text != null && text.codePoints().anyMatch(Character::isIdeographic);
    }

    /** XAD → Address. */
    Address address(Composite xad) {
        if (xad.isEmpty()) {
            return null;
        }
        Address a = new Address();
        if (!xad.text(1).isEmpty()) {
            a.addLine(xad.text(1));
        }
        if (!xad.text(2).isEmpty()) {
            a.addLine(xad.text(2));
        }
        set(xad.text(3), a::setCity);
        set(xad.text(4), a::setState);
        set(xad.text(5), a::setPostalCode);
        set(xad.text(6), a::setCountry);
        set(xad.text(9), a::setDistrict);
        String type = xad.text(7);
        if (type.equals("M") || type.equals("SH")) {
            a.setType(Address.AddressType.POSTAL);
        } else {
            ctx.table("address-use").map(type).ifPresent(t -> a.setUse(Address.AddressUse.fromCode(t.code())));
        }
        return a;
    }

    /** XTN → ContactPoint (the formatted number, or the e-mail address, or the parts). */
    ContactPoint telecom(Composite xtn, ContactPoint.ContactPointUse defaultUse) {
        if (xtn.isEmpty()) {
            return null;
        }
        ContactPoint cp = new ContactPoint();
        String equipment = xtn.text(3);
        String value = xtn.text(1);
        if (!xtn.text(4).isEmpty()) {
            value = xtn.text(4);
            cp.setSystem(ContactPoint.ContactPointSystem.EMAIL);
        } else if (value.isEmpty()) {
            StringBuilder number = new StringBuilder();
            if (!xtn.text(5).isEmpty()) {
                number.append('+').append(xtn.text(5)).append(' ');
            }
            if (!xtn.text(6).isEmpty()) {
                number.append(xtn.text(6)).append(' ');
            }
            number.append(xtn.text(7));
            if (!xtn.text(8).isEmpty()) {
                number.append(" ext. ").append(xtn.text(8));
            }
            value = number.toString().strip();
        }
        if (value.isEmpty()) {
            value = xtn.text(12);
        }
        if (value.isEmpty()) {
            return null;
        }
        cp.setValue(value);
        if (!cp.hasSystem()) {
            cp.setSystem(ContactPoint.ContactPointSystem.fromCode(
                    ctx.table("telecom-system").map(equipment).map(CodeTable.Target::code).orElse("phone")));
        }
        String use = xtn.text(2);
        if (equipment.equals("CP")) {
            cp.setUse(ContactPoint.ContactPointUse.MOBILE);
        } else {
            ctx.table("telecom-use").map(use).ifPresentOrElse(t -> cp.setUse(ContactPoint.ContactPointUse.fromCode(t.code())),
                    () -> { if (defaultUse != null) { cp.setUse(defaultUse); } });
        }
        return cp;
    }

    /** XCN → a Practitioner shared within the message; null when empty. */
    Reference practitioner(Composite xcn) {
        if (xcn.isEmpty()) {
            return null;
        }
        String key = "Practitioner|" + xcn.text(1) + "|" + xcn.text(2) + "|" + xcn.text(3) + "|" + xcn.text(9, 1);
        Practitioner p = ctx.shared(key, () -> {
            Practitioner made = new Practitioner();
            if (!xcn.text(1).isEmpty()) {
                String authority = xcn.text(9, 1);
                made.addIdentifier().setValue(xcn.text(1)).setSystem("urn:harbour:id:"
                        + CodeSystems.token((authority.isEmpty() ? ctx.sender : authority).toLowerCase(Locale.ROOT))
                        + ":practitioner");
            }
            if (!xcn.text(2).isEmpty() || !xcn.text(3).isEmpty()) {
                HumanName name = new HumanName();
                set(xcn.text(2), name::setFamily);
                if (!xcn.text(3).isEmpty()) {
                    name.addGiven(xcn.text(3));
                }
                if (!xcn.text(4).isEmpty()) {
                    name.addGiven(xcn.text(4));
                }
                set(xcn.text(5), s -> name.addSuffix(s));
                set(xcn.text(6), s -> name.addPrefix(s));
                if (isIdeographic(name.getFamily())) {
                    name.addExtension(REPRESENTATION, new CodeType("IDE"));
                }
                made.addName(name);
            }
            return made;
        });
        return MappingContext.ref(p).setDisplay(display(p));
    }

    private static String display(Practitioner p) {
        if (!p.hasName()) {
            return null;
        }
        HumanName n = p.getNameFirstRep();
        return (n.getPrefixAsSingleString() + " " + n.getGivenAsSingleString() + " " + n.getFamily()).replace("null", "")
                .strip().replaceAll(" +", " ");
    }

    /** XON (or a plain name, or an HD) → an Organization shared within the message. */
    Reference organization(String name, String identifier) {
        if ((name == null || name.isEmpty()) && (identifier == null || identifier.isEmpty())) {
            return null;
        }
        Organization o = ctx.shared("Organization|" + name + "|" + identifier, () -> {
            Organization made = new Organization();
            set(name, made::setName);
            if (identifier != null && !identifier.isEmpty()) {
                made.addIdentifier().setSystem("urn:harbour:id:organization").setValue(identifier);
            }
            return made;
        });
        return MappingContext.ref(o).setDisplay(o.getName());
    }

    Reference organization(Composite xon) {
        if (xon.isEmpty()) {
            return null;
        }
        return organization(xon.text(1), xon.text(10).isEmpty() ? xon.text(3) : xon.text(10));
    }

    /** PL → a Location shared within the message (point of care / room / bed / facility). */
    Reference location(Composite pl) {
        if (pl.isEmpty()) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        for (int c : new int[] {1, 2, 3, 4, 7, 8}) {
            String part = c == 4 ? pl.text(4, 1) : pl.text(c);
            if (!part.isEmpty()) {
                name.append(name.length() == 0 ? "" : " ").append(part);
            }
        }
        if (!pl.text(9).isEmpty()) {
            name.append(name.length() == 0 ? "" : " — ").append(pl.text(9));
        }
        String text = name.toString();
        Location l = ctx.shared("Location|" + pl.raw(), () -> {
            Location made = new Location();
            made.setName(text.isEmpty() ? pl.decoded() : text);
            made.setMode(Location.LocationMode.INSTANCE);
            if (!pl.text(4, 1).isEmpty()) {
                made.setManagingOrganization(organization(pl.text(4, 1), null));
            }
            return made;
        });
        return MappingContext.ref(l).setDisplay(l.getName());
    }

    // ---- quantities

    /** A number with its unit: UCUM when the unit is known, else the unit as text. */
    Quantity quantity(String number, Composite units) {
        BigDecimal value = decimal(number);
        if (value == null) {
            return null;
        }
        Quantity q = new Quantity().setValueElement(new org.hl7.fhir.r4.model.DecimalType(value));
        String unit = units.text(1);
        String unitSystem = units.text(3);
        if (!unit.isEmpty()) {
            String display = units.text(2).isEmpty() ? unit : units.text(2);
            var ucum = unitSystem.isEmpty() || unitSystem.equalsIgnoreCase("UCUM") || unitSystem.equalsIgnoreCase("ANS+")
                    ? ctx.table("units").map(unit) : java.util.Optional.<CodeTable.Target>empty();
            if (ucum.isPresent()) {
                q.setSystem(CodeSystems.UCUM).setCode(ucum.get().code()).setUnit(display);
            } else {
                q.setUnit(display);
            }
        }
        return q;
    }

    static BigDecimal decimal(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.startsWith(".")) {
            t = "0" + t;
        } else if (t.startsWith("-.")) {
            t = "-0" + t.substring(1);
        }
        if (!t.matches("-?\\d+(\\.\\d+)?")) {
            return null;
        }
        return new BigDecimal(t);
    }

    private static void set(String value, java.util.function.Consumer<String> setter) {
        if (value != null && !value.isEmpty()) {
            setter.accept(value);
        }
    }
}
