package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Segment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * MSH (and EVN) → MessageHeader, the sending Organization, and the Provenance of everything the
 * message produced: source system, control id, and the translator (a Device with its version).
 */
final class MshToMessageHeader {

    private static final String EVENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0003";

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("2\\.[1-8](\\.\\d+)*");
    private static final java.util.regex.Pattern LANGUAGE = java.util.regex.Pattern.compile("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*");
    static final String APPLICATION_ID = "urn:harbour:extension:application-id";
    static final String NETWORK_ADDRESS = "urn:harbour:extension:network-address";
    static final String MESSAGE_PROFILE = "urn:harbour:extension:message-profile";
    static final String MESSAGE_STRUCTURE = "urn:harbour:extension:message-structure";

    MessageHeader map(Segment msh, MappingContext ctx) {
        msh.consumed(1, 2, 10);
        String version = msh.field(12).text(1); // the version: in the Provenance; its other parts are reported
        if (!VERSION.matcher(version).matches()) {
            ctx.report.warning(MappingContext.at(msh, 12), version.isEmpty() ? "no HL7 version"
                    : "HL7 version '" + version + "' is not one of 2.1 to 2.8; read as the nearest it resembles");
        }
        if (msh.peekField(10).text(1).isEmpty()) {
            ctx.report.warning(MappingContext.at(msh, 10), "no message control id: a resend cannot be recognised");
        }
        if (msh.peekField(3).isEmpty() && msh.peekField(4).isEmpty()) {
            ctx.report.warning(MappingContext.at(msh, 4), "neither sending facility nor application: the ids are made "
                    + "under 'unknown-sender'");
        }
        MessageHeader header = ctx.add(new MessageHeader(), "MSH");
        String type = msh.field(9).text(1);
        String trigger = msh.field(9).text(2);
        String event = trigger.isEmpty() ? type : trigger;
        // a trigger HL7 does not define (Z99, a local one) is the sender's own code
        header.setEvent(new Coding().setSystem(ctx.codesDefine(EVENT_SYSTEM, event) ? EVENT_SYSTEM
                : ctx.types.localSystem("HL70003")).setCode(event).setDisplay(type + (trigger.isEmpty() ? "" : "^" + trigger)));
        String structure = msh.field(9).text(3);
        if (!structure.isEmpty()) {
            header.addExtension(MESSAGE_STRUCTURE, new org.hl7.fhir.r4.model.StringType(structure));
        }
        var applicationField = msh.field(3);
        String application = applicationField.text(1);
        String facility = msh.field(4).text(1);
        header.getSource().setName(application.isEmpty() ? null : application)
                .setEndpoint("urn:harbour:endpoint:" + CodeSystems.token(facility.isEmpty() ? application : facility)
                        + (application.isEmpty() ? "" : ":" + CodeSystems.token(application)));
        hd(header.getSource(), APPLICATION_ID, applicationField);
        hd(header.getSource(), NETWORK_ADDRESS, msh.field(24));
        var receiverField = msh.field(5);
        String receiver = receiverField.text(1);
        var receivingFacilityField = msh.field(6);
        String receivingFacility = receivingFacilityField.text(1);
        if (!receiverField.isEmpty() || !receivingFacilityField.isEmpty() || msh.has(23) || msh.has(25)) {
            var destination = header.addDestination().setName(receiver.isEmpty() ? null : receiver)
                    .setEndpoint("urn:harbour:endpoint:" + CodeSystems.token(receivingFacility.isEmpty() ? receiver : receivingFacility)
                            + (receiver.isEmpty() ? "" : ":" + CodeSystems.token(receiver)));
            hd(destination, APPLICATION_ID, receiverField);
            hd(destination, NETWORK_ADDRESS, msh.field(25));
            // a receiving facility known by name only is in the endpoint; one with a universal id is an Organization
            Reference receiving = receivingFacilityField.peekText(2).isEmpty() ? null
                    : ctx.types.organization(receivingFacility, receivingFacilityField.text(2), receivingFacilityField.text(3));
            Reference responsible = ctx.types.organization(msh.field(23));
            destination.setReceiver(responsible != null ? responsible : receiving);
            if (responsible != null && receiving != null) {
                destination.addExtension("urn:harbour:extension:receiving-facility", receiving);
            }
        }
        var facilityField = msh.field(4);
        Reference sender = ctx.types.organization(facility.isEmpty() ? application : facility,
                facilityField.text(2).isEmpty() ? null : facilityField.text(2), facilityField.text(3));
        header.setSender(sender);
        header.setResponsible(ctx.types.organization(msh.field(22)));
        var time = ctx.types.instant(msh, 7);
        if (time != null) {
            ctx.bundle.setTimestampElement(time);
        }
        if (!msh.text(8).isEmpty()) {
            ctx.report.info(MappingContext.at(msh, 8), "security field present; not carried into FHIR");
        }
        String processing = msh.field(11).text(1);
        if (!processing.isEmpty()) {
            header.getMeta().addTag(ctx.types.tableCoding("http://terminology.hl7.org/CodeSystem/v2-0103", "HL70103", processing));
            String mode = msh.field(11).text(2);
            if (!mode.isEmpty()) {
                header.getMeta().addTag(ctx.types.tableCoding("http://terminology.hl7.org/CodeSystem/v2-0207", "HL70207", mode));
            }
            if (!processing.equals("P")) {
                ctx.report.warning(MappingContext.at(msh, 11), "processing id '" + processing + "' (not production)");
            }
        }
        for (var profile : msh.all(21)) {
            Identifier id = ctx.types.entityIdentifier(profile, "message-profile");
            if (id != null) {
                header.addExtension(MESSAGE_PROFILE, id);
            }
        }
        String language = msh.field(19).text(1);
        if (LANGUAGE.matcher(language).matches()) {
            String[] parts = language.split("[-_]");
            StringBuilder tag = new StringBuilder(parts[0].toLowerCase(java.util.Locale.ROOT));
            for (int i = 1; i < parts.length; i++) {
                tag.append('-').append(parts[i].length() == 2 ? parts[i].toUpperCase(java.util.Locale.ROOT) : parts[i]);
            }
            ctx.bundle.setLanguage(tag.toString());
        }
        for (int f : new int[] {15, 16}) {
            if (msh.has(f)) {
                ctx.report.info(MappingContext.at(msh, f), "acknowledgement type " + msh.peekField(f).decoded()
                        + ": applied by the receiving interface, not part of the record");
            }
        }
        if (msh.has(18)) {
            ctx.report.info(MappingContext.at(msh, 18), "character set " + msh.peek(18) + ": the message was decoded with it");
        }
        if (msh.has(20)) {
            ctx.report.info(MappingContext.at(msh, 20), "character set handling " + msh.peek(20)
                    + ": the message was decoded with it");
        }
        return header;
    }

    /** EVN: why (EVN-4), who entered it (EVN-5), when it happened (EVN-6), where (EVN-7). */
    private static void event(Segment evn, Provenance provenance, MappingContext ctx) {
        provenance.setOccurred(ctx.types.dateTime(evn, 6));
        CodeableConcept reason = ctx.types.v2Code(evn.text(4), "0062");
        if (reason != null) {
            provenance.addReason(reason);
        }
        for (var operator : evn.all(5)) {
            Reference who = ctx.types.practitioner(operator);
            if (who != null) {
                provenance.addAgent().setWho(who).getType().addCoding()
                        .setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("enterer");
            }
        }
        var facility = evn.field(7);
        if (!facility.isEmpty()) {
            provenance.setLocation(ctx.types.location(facility.text(1), facility.text(2), facility.text(3)));
        }
        if (evn.has(1)) {
            ctx.report.info(MappingContext.at(evn, 1), "event type code " + evn.peekField(1).text(1)
                    + " (the trigger of MSH-9 is what the Bundle records)");
        }
        if (evn.has(3)) {
            ctx.report.info(MappingContext.at(evn, 3), "planned event time " + evn.peekField(3).text(1) + "; not mapped");
        }
    }

    /** An HD (namespace ^ universal id ^ its type) as an extension holding an Identifier. */
    private static void hd(org.hl7.fhir.r4.model.BackboneElement target, String url, org.harbour.mappings.v2.Composite hd) {
        String universal = hd.text(2);
        if (universal.isEmpty()) {
            return;
        }
        Identifier id = V2Types.universalId(universal, hd.text(3));
        if (!hd.text(1).isEmpty()) {
            id.getAssigner().setDisplay(hd.text(1));
        }
        target.addExtension(url, id);
    }

    /** The Provenance of every resource made from the message. */
    void provenance(Segment msh, Segment evn, MappingContext ctx, String translatorVersion) {
        Provenance provenance = new Provenance();
        InstantType recorded = evn == null ? null : ctx.types.instant(evn, 2);
        InstantType sent = ctx.types.instant(msh, 7);
        if (recorded == null) {
            recorded = sent;
        }
        if (recorded == null) {
            recorded = new InstantType(java.util.Date.from(ctx.settings.clock().instant()));
            ctx.report.warning(MappingContext.at(msh, 7), "no message time to the second; Provenance.recorded is the time "
                    + "Harbour translated it");
        }
        provenance.setRecordedElement(recorded);
        if (evn != null) {
            event(evn, provenance, ctx);
        }
        Device translator = ctx.shared("Device|harbour-translator", () -> {
            Device d = new Device();
            d.addDeviceName().setName("Harbour HL7 v2 to FHIR R4 translator")
                    .setType(Device.DeviceNameType.MANUFACTURERNAME);
            d.addVersion().setValue(translatorVersion);
            return d;
        });
        for (var entry : ctx.bundle.getEntry()) {
            Resource r = entry.getResource();
            if (!(r instanceof Device)) {
                provenance.addTarget(MappingContext.ref(r));
            }
        }
        provenance.addAgent().setWho(MappingContext.ref(translator)).getType().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("assembler");
        Reference source = ((MessageHeader) ctx.bundle.getEntryFirstRep().getResource()).getSender();
        if (source != null && source.hasReference()) {
            provenance.addAgent().setWho(source).getType().addCoding()
                    .setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("author");
        }
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference()
                .setIdentifier(new Identifier().setSystem("urn:harbour:message:" + CodeSystems.token(ctx.sender))
                        .setValue(ctx.message.controlId()))
                .setDisplay(ctx.message.type() + " " + ctx.message.version()));
        provenance.getActivity().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-DataOperation")
                .setCode("CREATE");
        ctx.add(provenance, "Provenance");
    }
}
