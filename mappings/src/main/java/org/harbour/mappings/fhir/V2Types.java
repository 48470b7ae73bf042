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
    private static final java.util.regex.Pattern URI_VALUE = java.util.regex.Pattern.compile("(?i)(https?|urn|mailto|ftp):\\S+");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?");

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
            // a display without its code (set aside by addCoding as the text) stays beside the original text
            cc.setText(cc.hasText() && !cc.getText().equals(original) ? original + " (" + cc.getText() + ")" : original);
        } else if (cc.getCoding().isEmpty() || cc.getCoding().stream().allMatch(c -> c.getCode() == null)) {
            cc.setText(!cwe.text(2).isEmpty() ? cwe.text(2) : plainText(cwe));
        }
        return cc;
    }

    /**
     * The words of a composite without its delimiters: each non-empty component (and
     * subcomponent) decoded, joined by spaces — for a value that is in the wrong component.
     */
    static String plainText(Composite c) {
        StringBuilder out = new StringBuilder();
        for (int n = 1; n <= c.size(); n++) {
            Composite part = c.component(n);
            for (int k = 1; k <= part.size(); k++) {
                String text = part.text(k);
                if (!text.isEmpty()) {
                    out.append(out.length() == 0 ? "" : " ").append(text);
                }
            }
        }
        return out.toString();
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

    /** The sender's own code system for codes of that name (a table, a local coding system). */
    String localSystem(String name) {
        return systems.local(name);
    }

    /** A code of an HL7 table as a Coding: under HL7's system when HL7 defines it, else under the sender's own. */
    Coding tableCoding(String hl7System, String tableName, String code) {
        return new Coding().setSystem(settings.codes().defines(hl7System, code) ? hl7System : systems.local(tableName))
                .setCode(code);
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
        return parsed(s, field, text, time::dateTime, "not a valid HL7 date/time");
    }

    DateType date(Segment s, int field) {
        return parsed(s, field, s.text(field), time::date, "not a valid HL7 date");
    }

    InstantType instant(String text) {
        return time.instant(text);
    }

    /** A timestamp that must be an instant; one that is not (or only a date) is reported and yields null. */
    InstantType instant(Segment s, int field) {
        return instant(s, field, s.text(field));
    }

    /** {@code text} (a component of field {@code field}) as an instant; reported when it is not one. */
    InstantType instant(Segment s, int field, String text) {
        return parsed(s, field, text, time::instant, time.dateTime(text) == null ? "not a valid HL7 date/time"
                : "a time to the second is needed here, the message gives a date");
    }

    /** {@code text} parsed; a value that does not parse is reported (never returned as null and forgotten). */
    private <T> T parsed(Segment s, int field, String text, java.util.function.Function<String, T> parse, String problem) {
        if (text.isEmpty()) {
            return null;
        }
        T value = parse.apply(text);
        if (value == null) {
            ctx.report.warning(MappingContext.at(s, field), problem + ": '" + text + "'; not mapped");
        }
        return value;
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
            if (!cx.isEmpty()) {
                ctx.report.info(MappingContext.at(s, field), "identifier without a value (" + plainText(cx) + "); not mapped");
            }
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
        } else if (CodeSystems.URI.matcher(universal).matches()) {
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
        assigner(id, cx, s, field);
        return id;
    }

    /**
     * What a CX says beyond value, authority and type: the authority's name and universal id when
     * the system does not already say them (Identifier.assigner), the assigning facility (CX.6),
     * the period (CX.7, CX.8), jurisdiction and agency (CX.9, CX.10).
     */
    private void assigner(Identifier id, Composite cx, Segment s, int field) {
        String authority = cx.text(4, 1);
        String universal = cx.text(4, 2);
        // a universal id type without a universal id says nothing: left unread, so the report names it
        String universalType = universal.isEmpty() ? "" : cx.text(4, 3);
        String system = id.getSystem() == null ? "" : id.getSystem();
        boolean universalInSystem = !universal.isEmpty() && system.endsWith(universal);
        boolean authorityInSystem = !authority.isEmpty()
                && system.endsWith(CodeSystems.token(authority.toLowerCase(Locale.ROOT)));
        Reference assigner = new Reference();
        if (!authority.isEmpty() && !authorityInSystem) {
            assigner.setDisplay(authority);
        }
        if (!universal.isEmpty() && !universalInSystem) {
            assigner.setIdentifier(universalId(universal, universalType));
        }
        String facility = cx.component(6).decoded();
        if (!facility.isEmpty()) {
            id.addExtension("urn:harbour:extension:assigning-facility", new org.hl7.fhir.r4.model.StringType(facility));
        }
        if (!assigner.isEmpty()) {
            id.setAssigner(assigner);
        }
        DateTimeType start = cx.text(7).isEmpty() ? null : dateTime(s, field, cx.text(7));
        DateTimeType end = cx.text(8).isEmpty() ? null : dateTime(s, field, cx.text(8));
        if (start != null || end != null) {
            id.getPeriod().setStartElement(start).setEndElement(end);
        }
        CodeableConcept jurisdiction = concept(cx.component(9));
        if (jurisdiction != null) {
            id.addExtension("urn:harbour:extension:assigning-jurisdiction", jurisdiction);
        }
        CodeableConcept agency = concept(cx.component(10));
        if (agency != null) {
            id.addExtension("urn:harbour:extension:assigning-agency", agency);
        }
    }

    /** EI (entity identifier: id^namespace^universal id^type) → Identifier. */
    Identifier entityIdentifier(Composite ei, String kind) {
        String value = ei.text(1);
        if (value.isEmpty()) {
            return null;
        }
        String namespace = ei.text(2).isEmpty() ? ctx.sender : ei.text(2);
        Identifier id = new Identifier().setValue(value);
        String universal = ei.text(3);
        if (CodeSystems.isOid(universal) && ei.text(4).equalsIgnoreCase("ISO")) {
            id.setSystem("urn:oid:" + universal);
            if (!ei.text(2).isEmpty()) {
                id.getAssigner().setDisplay(ei.text(2));
            }
        } else {
            id.setSystem("urn:harbour:id:" + CodeSystems.token(namespace.toLowerCase(Locale.ROOT)) + ":" + kind);
            if (!universal.isEmpty()) {
                id.getAssigner().setIdentifier(universalId(universal, ei.text(4)));
            }
        }
        return id;
    }

    /**
     * An HD's universal id (with its type, HL7 table 0301) as an Identifier: an OID or a URI as a
     * URI, anything else as the plain value with its type as text.
     */
    static Identifier universalId(String universal, String type) {
        Identifier id = new Identifier();
        if (CodeSystems.isOid(universal)) {
            id.setSystem("urn:ietf:rfc:3986").setValue("urn:oid:" + universal);
        } else if (URI_VALUE.matcher(universal).matches()) {
            id.setSystem("urn:ietf:rfc:3986").setValue(universal);
        } else {
            id.setValue(universal);
        }
        if (!type.isEmpty() && !(type.equalsIgnoreCase("ISO") && CodeSystems.isOid(universal))) {
            id.getType().setText(type);
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
        String use = xpn.peekText(7);
        // a name type no table maps stays unread, so the report names it
        ctx.table("name-use").map(use).ifPresent(t -> name.setUse(HumanName.NameUse.fromCode(ctx.table("name-use")
                .map(xpn.text(7)).get().code())));
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
        String type = xad.peekText(7);
        var postal = ctx.table("address-type").map(type);
        var use = ctx.table("address-use").map(type);
        if (postal.isPresent()) {
            a.setType(Address.AddressType.fromCode(ctx.table("address-type").map(xad.text(7)).get().code()));
        } else if (use.isPresent()) {
            a.setUse(Address.AddressUse.fromCode(ctx.table("address-use").map(xad.text(7)).get().code()));
        }
        return a;
    }

    /** XTN → ContactPoint (the formatted number, or the e-mail address, or the parts). */
    ContactPoint telecom(Composite xtn, ContactPoint.ContactPointUse defaultUse) {
        if (xtn.isEmpty()) {
            return null;
        }
        ContactPoint cp = new ContactPoint();
        String equipment = xtn.peekText(3);
        String value = xtn.peekText(1);
        String email = xtn.peekText(4);
        if (!email.isEmpty() && (value.isEmpty() || email.contains("@") || equipment.equals("Internet")
                || equipment.equals("X.400"))) {
            // the e-mail address wins; a number beside it is left unread, for telecoms() or the report
            value = xtn.text(4);
            cp.setSystem(ContactPoint.ContactPointSystem.EMAIL);
        } else if (!value.isEmpty()) {
            value = xtn.text(1);
        } else {
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
            var system = ctx.table("telecom-system").map(equipment);
            if (system.isPresent()) {
                xtn.text(3);
            }
            cp.setSystem(ContactPoint.ContactPointSystem.fromCode(system.map(CodeTable.Target::code).orElse("phone")));
        } else if (!equipment.isEmpty()) {
            xtn.text(3);
        }
        // codes no table maps stay unread, so the report names them
        var use = ctx.table("telecom-use").map(xtn.peekText(2));
        if (equipment.equals("CP")) {
            xtn.text(3);
            cp.setUse(ContactPoint.ContactPointUse.MOBILE);
        } else if (use.isPresent()) {
            xtn.text(2);
            cp.setUse(ContactPoint.ContactPointUse.fromCode(use.get().code()));
        } else if (defaultUse != null) {
            cp.setUse(defaultUse);
        }
        return cp;
    }

    /** XTN → its ContactPoints: the e-mail address and, when the same repetition also gives one, the phone number. */
    java.util.List<ContactPoint> telecoms(Composite xtn, ContactPoint.ContactPointUse defaultUse) {
        ContactPoint first = telecom(xtn, defaultUse);
        if (first == null) {
            return java.util.List.of();
        }
        String number = xtn.peekText(1);
        if (first.getSystem() == ContactPoint.ContactPointSystem.EMAIL && !number.isEmpty() && !number.equals(first.getValue())) {
            ContactPoint phone = new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(xtn.text(1));
            if (first.hasUse()) {
                phone.setUse(first.getUse());
            }
            return java.util.List.of(first, phone);
        }
        return java.util.List.of(first);
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
        StringBuilder out = new StringBuilder();
        for (var prefix : n.getPrefix()) {
            words(out, prefix.getValue());
        }
        for (var given : n.getGiven()) {
            words(out, given.getValue());
        }
        words(out, n.getFamily());
        return out.toString();
    }

    private static void words(StringBuilder out, String text) {
        if (text == null) {
            return;
        }
        for (String word : text.strip().split(" ")) {
            if (!word.isEmpty()) {
                out.append(out.length() == 0 ? "" : " ").append(word);
            }
        }
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

    /** An organization named by an HD: its universal id (an OID when {@code type} is ISO) identifies it. */
    Reference organization(String name, String universalId, String type) {
        if (universalId == null || universalId.isEmpty() || !type.equalsIgnoreCase("ISO") || !CodeSystems.isOid(universalId)) {
            return organization(name, universalId == null || universalId.isEmpty() ? null : universalId);
        }
        Organization o = ctx.shared("Organization|" + name + "|" + universalId, () -> {
            Organization made = new Organization();
            set(name, made::setName);
            made.addIdentifier().setSystem("urn:ietf:rfc:3986").setValue("urn:oid:" + universalId);
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
            made.setName(text.isEmpty() ? plainText(pl) : text);
            made.setMode(Location.LocationMode.INSTANCE);
            if (!pl.text(4, 1).isEmpty()) {
                made.setManagingOrganization(organization(pl.text(4, 1), null));
            }
            return made;
        });
        return MappingContext.ref(l).setDisplay(l.getName());
    }

    /** A facility named by an HD (EVN-7): a Location shared within the message. */
    Reference location(String name, String universalId, String type) {
        Location l = ctx.shared("Location|HD|" + name + "|" + universalId, () -> {
            Location made = new Location();
            set(name, made::setName);
            if (!universalId.isEmpty()) {
                made.addIdentifier(universalId(universalId, type));
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
                // a unit the tables do not know stays as the sender wrote it, under the sender's system for
                // its coding system (UCUM is claimed only for the units the tables know to be UCUM)
                q.setSystem(unitSystem.isEmpty() ? systems.local("units") : systems.system(unitSystem)).setCode(unit)
                        .setUnit(display);
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
        if (!DECIMAL.matcher(t).matches()) {
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
