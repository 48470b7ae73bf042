package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Composite;
import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * PID → Patient (identifiers incl. HKID, names incl. Chinese names, birth date, gender,
 * addresses, telecom, language, marital status, multiple birth, deceased); PD1 → primary care;
 * NK1 → Patient.contact; MRG → the merged-away Patient, linked (A40 merges, A45/A47 moves).
 */
final class PidToPatient {

    /** The sender's key of the patient: the first PID-3 identifier with its assigning authority. */
    static String senderKey(Segment pid) {
        for (org.harbour.mappings.v2.Composite cx : pid.all(3)) {
            if (!cx.text(1).isEmpty()) {
                return "patient|" + cx.text(1) + "^" + cx.text(4);
            }
        }
        return null;
    }

    private static final String PATIENT_IDENTIFIER_LIST = "PID-3";

    Patient map(Segment pid, MappingContext ctx) {
        pid.consumed(1);
        Patient patient = ctx.add(new Patient(), "PID|" + pid.position());
        patient.setActive(true);
        for (int field : new int[] {2, 3, 4}) {
            for (Composite cx : pid.all(field)) {
                Identifier id = ctx.types.identifier(cx, pid, field);
                if (id != null) {
                    patient.addIdentifier(id);
                }
            }
        }
        for (Composite xpn : pid.all(5)) {
            var name = ctx.types.name(xpn);
            if (name != null) {
                patient.addName(name);
            }
        }
        for (Composite xpn : pid.all(9)) {
            var alias = ctx.types.name(xpn);
            if (alias != null) {
                alias.setUse(org.hl7.fhir.r4.model.HumanName.NameUse.USUAL);
                patient.addName(alias);
            }
        }
        for (Composite maidenName : pid.all(6)) {
            var maiden = ctx.types.name(maidenName);
            if (maiden != null) {
                // the whole name as written: family first, then the given names
                StringBuilder text = new StringBuilder(maiden.getFamily() == null ? "" : maiden.getFamily());
                maiden.getGiven().forEach(g -> text.append(text.length() == 0 ? "" : ", ").append(g.getValue()));
                maiden.getPrefix().forEach(g -> text.append(' ').append(g.getValue()));
                maiden.getSuffix().forEach(g -> text.append(' ').append(g.getValue()));
                patient.addExtension("http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
                        new org.hl7.fhir.r4.model.StringType(text.toString().strip()));
            }
        }
        if (!pid.text(7).isEmpty()) {
            var birth = ctx.types.date(pid, 7);
            if (birth != null) {
                patient.setBirthDateElement(birth);
                int year = Integer.parseInt(birth.getValueAsString().substring(0, 4));
                int now = ctx.settings.clock().instant().atZone(java.time.ZoneOffset.UTC).getYear();
                if (year < now - 130 || year > now) {
                    ctx.report.warning(MappingContext.at(pid, 7), "birth date " + birth.getValueAsString()
                            + " is implausible; kept as given");
                }
            }
            if (pid.text(7).length() > 8) {
                DateTimeType exact = ctx.types.dateTime(pid, 7);
                if (exact != null) {
                    patient.getBirthDateElement().addExtension(
                            "http://hl7.org/fhir/StructureDefinition/patient-birthTime", exact);
                }
            }
        }
        String sex = pid.text(8);
        if (!sex.isEmpty()) {
            patient.setGender(Enumerations.AdministrativeGender.fromCode(ctx.table("administrative-gender")
                    .codeOrFallback(sex)));
            if (ctx.table("administrative-gender").map(sex).isEmpty()) {
                ctx.report.warning(MappingContext.at(pid, 8), "unknown administrative sex '" + sex + "'; gender unknown");
            }
        }
        for (Composite race : pid.all(10)) {
            patient.addExtension("urn:harbour:extension:race", ctx.types.concept(race));
        }
        for (Composite xad : pid.all(11)) {
            var address = ctx.types.address(xad);
            if (address != null) {
                patient.addAddress(address);
            }
        }
        for (Composite xtn : pid.all(13)) {
            ctx.types.telecoms(xtn, ContactPoint.ContactPointUse.HOME).forEach(patient::addTelecom);
        }
        for (Composite xtn : pid.all(14)) {
            ctx.types.telecoms(xtn, ContactPoint.ContactPointUse.WORK).forEach(patient::addTelecom);
        }
        if (pid.has(15)) {
            patient.addCommunication().setLanguage(language(pid.field(15), ctx)).setPreferred(true);
        }
        if (pid.has(16)) {
            patient.setMaritalStatus(mapped(pid.field(16), "marital-status", ctx));
        }
        if (pid.has(17)) {
            patient.addExtension("http://hl7.org/fhir/StructureDefinition/patient-religion",
                    ctx.types.concept(pid.field(17)));
        }
        if (pid.has(18)) {
            Identifier account = ctx.types.identifier(pid.field(18), pid, 18);
            if (account != null) {
                account.setType(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding()
                        .setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("AN")));
                patient.addIdentifier(account);
            }
        }
        if (pid.has(19)) {
            patient.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue(pid.text(19));
        }
        if (pid.has(20)) {
            patient.addIdentifier().setValue(pid.field(20).text(1)).setSystem("urn:harbour:id:driver-licence:"
                    + CodeSystems.token(pid.field(20).text(2).isEmpty() ? "unknown" : pid.field(20).text(2)));
        }
        for (Composite id : pid.all(21)) {
            ctx.report.info(MappingContext.at(pid, 21), "mother's identifier not mapped (no mother resource): "
                    + id.text(1));
        }
        for (Composite ethnic : pid.all(22)) {
            patient.addExtension("urn:harbour:extension:ethnic-group", ctx.types.concept(ethnic));
        }
        if (pid.has(23)) {
            patient.addExtension("http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                    new org.hl7.fhir.r4.model.Address().setText(pid.text(23)));
        }
        String multiple = pid.peekField(24).text(1);
        if (!pid.text(25).isEmpty() && VTypes.isInteger(pid.text(25))) {
            patient.setMultipleBirth(new IntegerType(Integer.parseInt(pid.text(25))));
            if (!multiple.isEmpty()) {
                ctx.report.info(MappingContext.at(pid, 24), "multiple birth indicator '" + multiple
                        + "': the birth order (PID-25) stands for it");
            }
        } else if (multiple.equals("Y") || multiple.equals("N")) {
            patient.setMultipleBirth(new BooleanType(ctx.table("yes-no").map(pid.text(24)).get().code()));
        } else if (!pid.text(25).isEmpty()) {
            ctx.report.warning(MappingContext.at(pid, 25), "birth order '" + pid.text(25) + "' is not a number; not mapped");
        }
        for (Composite citizenship : pid.all(26)) {
            patient.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/patient-citizenship")
                    .addExtension("code", ctx.types.concept(citizenship));
        }
        for (Composite veteran : pid.all(27)) {
            patient.addExtension("urn:harbour:extension:veterans-military-status", ctx.types.concept(veteran));
        }
        if (pid.has(28)) {
            patient.addExtension().setUrl("http://hl7.org/fhir/StructureDefinition/patient-nationality")
                    .addExtension("code", ctx.types.concept(pid.field(28)));
        }
        String deceased = pid.peekField(30).text(1);
        DateTimeType died = pid.text(29).isEmpty() ? null : ctx.types.dateTime(pid, 29);
        if (died != null) {
            patient.setDeceased(died);
            if (!deceased.isEmpty()) {
                ctx.report.info(MappingContext.at(pid, 30), "death indicator '" + deceased
                        + "': the date of death (PID-29) stands for it");
            }
        } else if (deceased.equals("Y") || deceased.equals("N")) {
            patient.setDeceased(new BooleanType(ctx.table("yes-no").map(pid.text(30)).get().code()));
        } else if (!deceased.isEmpty()) {
            ctx.report.warning(MappingContext.at(pid, 30), "death indicator '" + deceased + "' is not Y or N; not mapped");
        }
        if (!pid.text(31).isEmpty()) {
            ctx.report.info(MappingContext.at(pid, 31), "identity unknown indicator '" + pid.text(31) + "'");
        }
        for (Composite reliability : pid.all(32)) {
            patient.getMeta().addTag(ctx.types.tableCoding("http://terminology.hl7.org/CodeSystem/v2-0445", "HL70445",
                    reliability.text(1)));
        }
        if (pid.has(33)) {
            var updated = ctx.types.instant(pid, 33);
            if (updated != null) {
                patient.getMeta().setLastUpdatedElement(updated);
            }
        }
        if (pid.has(34)) {
            patient.setManagingOrganization(ctx.types.organization(pid.field(34).text(1), pid.field(34).text(2)));
        }
        return patient;
    }

    private static CodeableConcept language(Composite cwe, MappingContext ctx) {
        CodeableConcept cc = new CodeableConcept();
        var known = ctx.table("language").map(cwe.text(1));
        known.ifPresent(t -> cc.addCoding().setSystem(t.system()).setCode(t.code()).setDisplay(t.display()));
        cc.setText(cwe.text(2).isEmpty() ? cwe.text(1) : cwe.text(2));
        return cc;
    }

    private static CodeableConcept mapped(Composite cwe, String table, MappingContext ctx) {
        CodeableConcept cc = ctx.types.concept(cwe);
        var known = ctx.table(table).map(cwe.text(1));
        if (known.isPresent()) {
            CodeableConcept out = new CodeableConcept();
            out.addCoding().setSystem(known.get().system()).setCode(known.get().code()).setDisplay(known.get().display());
            out.setText(cwe.text(2).isEmpty() ? null : cwe.text(2));
            return out;
        }
        return cc;
    }

    /** PD1 → primary care provider and facility; the rest is reported. */
    void pd1(Segment pd1, Patient patient, MappingContext ctx) {
        for (Composite xon : pd1.all(3)) {
            Reference org = ctx.types.organization(xon);
            if (org != null) {
                patient.addGeneralPractitioner(org);
            }
        }
        for (Composite xcn : pd1.all(4)) {
            Reference gp = ctx.types.practitioner(xcn);
            if (gp != null) {
                patient.addGeneralPractitioner(gp);
            }
        }
    }

    /** NK1 → Patient.contact (name, relationship, address, phone). */
    void nk1(Segment nk1, Patient patient, MappingContext ctx) {
        nk1.consumed(1);
        Patient.ContactComponent contact = patient.addContact();
        var name = ctx.types.name(nk1.field(2));
        if (name != null) {
            contact.setName(name);
        }
        CodeableConcept relationship = ctx.types.concept(nk1.field(3));
        if (relationship != null) {
            contact.addRelationship(relationship);
        }
        CodeableConcept role = ctx.types.concept(nk1.field(7));
        if (role != null) {
            contact.addRelationship(role);
        }
        var address = ctx.types.address(nk1.field(4));
        if (address != null) {
            contact.setAddress(address);
        }
        for (int field : new int[] {5, 6, 40, 41}) {
            for (Composite xtn : nk1.all(field)) {
                ctx.types.telecoms(xtn, field == 6 ? ContactPoint.ContactPointUse.WORK : null).forEach(contact::addTelecom);
            }
        }
        if (nk1.has(8) || nk1.has(9)) {
            var start = ctx.types.dateTime(nk1, 8);
            var end = ctx.types.dateTime(nk1, 9);
            if (start != null) {
                contact.getPeriod().setStartElement(start);
            }
            if (end != null) {
                contact.getPeriod().setEndElement(end);
            }
        }
        if (nk1.has(13)) {
            contact.setOrganization(ctx.types.organization(nk1.field(13)));
        }
        if (!contact.hasName() && nk1.has(30)) {
            contact.setName(ctx.types.name(nk1.field(30)));
        }
        if (nk1.has(15) && !contact.hasGender()) {
            contact.setGender(Enumerations.AdministrativeGender.fromCode(
                    ctx.table("administrative-gender").codeOrFallback(nk1.text(15))));
        }
        if (!contact.hasName() && !contact.hasTelecom() && !contact.hasAddress() && !contact.hasOrganization()) {
            patient.getContact().remove(contact);
            ctx.report.warning(MappingContext.at(nk1), "next of kin without name, telecom, address or organization; not mapped");
        }
    }

    /**
     * MRG (A40 merge, A45/A47 identifier moves, A41 account merge) → the prior Patient, linked to
     * the surviving one: {@code replaced-by} on the prior, {@code replaces} on the survivor.
     */
    void mrg(Segment mrg, Patient survivor, MappingContext ctx) {
        Patient prior = ctx.add(new Patient(), "MRG|" + mrg.position());
        for (int field : new int[] {1, 4}) {
            for (Composite cx : mrg.all(field)) {
                Identifier id = ctx.types.identifier(cx, mrg, field);
                if (id != null) {
                    prior.addIdentifier(id);
                }
            }
        }
        for (Composite xpn : mrg.all(7)) {
            var name = ctx.types.name(xpn);
            if (name != null) {
                prior.addName(name);
            }
        }
        if (mrg.has(3)) {
            Identifier account = ctx.types.identifier(mrg.field(3), mrg, 3);
            if (account != null) {
                prior.addIdentifier(account);
            }
        }
        if (mrg.has(5) || mrg.has(6)) {
            ctx.report.info(MappingContext.at(mrg), "prior visit/alternate visit id: " + mrg.text(5) + " " + mrg.text(6));
        }
        if (mrg.has(2)) {
            ctx.report.info(MappingContext.at(mrg, 2), "prior alternate patient id (deprecated field): " + mrg.text(2));
        }
        String event = ctx.trigger;
        boolean merge = event.equals("A40") || event.equals("A34") || event.equals("A30") || event.equals("A18")
                || event.equals("A39") || event.equals("A41") || event.equals("A42");
        prior.setActive(!merge);
        if (survivor != null) {
            if (merge) {
                prior.addLink().setOther(MappingContext.ref(survivor)).setType(Patient.LinkType.REPLACEDBY);
                survivor.addLink().setOther(MappingContext.ref(prior)).setType(Patient.LinkType.REPLACES);
            } else {
                prior.addLink().setOther(MappingContext.ref(survivor)).setType(Patient.LinkType.SEEALSO);
            }
        }
        if (!prior.hasIdentifier() && !prior.hasName()) {
            ctx.report.warning(MappingContext.at(mrg), "MRG without prior identifiers");
        }
    }
}
