package org.harbour.mappings.fhir;

import org.harbour.mappings.v2.Segment;
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

    MessageHeader map(Segment msh, MappingContext ctx) {
        msh.consumed(1, 2, 7, 10, 12, 18);
        MessageHeader header = ctx.add(new MessageHeader(), "MSH");
        String type = msh.field(9).text(1);
        String trigger = msh.field(9).text(2);
        msh.consumed(9);
        header.setEvent(new Coding().setSystem(EVENT_SYSTEM).setCode(trigger.isEmpty() ? type : trigger)
                .setDisplay(type + (trigger.isEmpty() ? "" : "^" + trigger)));
        String application = msh.field(3).text(1);
        String facility = msh.field(4).text(1);
        header.getSource().setName(application.isEmpty() ? null : application)
                .setEndpoint("urn:harbour:endpoint:" + CodeSystems.token(facility.isEmpty() ? application : facility)
                        + (application.isEmpty() ? "" : ":" + CodeSystems.token(application)));
        String receiver = msh.field(5).text(1);
        String receivingFacility = msh.field(6).text(1);
        if (!receiver.isEmpty() || !receivingFacility.isEmpty()) {
            header.addDestination().setName(receiver.isEmpty() ? null : receiver)
                    .setEndpoint("urn:harbour:endpoint:" + CodeSystems.token(receivingFacility.isEmpty() ? receiver : receivingFacility)
                            + (receiver.isEmpty() ? "" : ":" + CodeSystems.token(receiver)));
        }
        Reference sender = ctx.types.organization(facility.isEmpty() ? application : facility,
                msh.field(4).text(2).isEmpty() ? null : msh.field(4).text(2));
        header.setSender(sender);
        if (!msh.text(8).isEmpty()) {
            ctx.report.info(MappingContext.at(msh, 8), "security field present; not carried into FHIR");
        }
        if (!msh.text(11).isEmpty()) {
            String processing = msh.text(11);
            if (!processing.equals("P")) {
                ctx.report.warning(MappingContext.at(msh, 11), "processing id '" + processing
                        + "' (not production)");
            }
        }
        msh.consumed(13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25);
        return header;
    }

    /** The Provenance of every resource made from the message. */
    void provenance(Segment msh, Segment evn, MappingContext ctx, String translatorVersion) {
        Provenance provenance = new Provenance();
        InstantType recorded = ctx.types.instant(evn != null && !evn.text(2).isEmpty() ? evn.text(2) : msh.text(7));
        if (recorded == null) {
            recorded = ctx.types.instant(msh.text(7));
        }
        if (recorded == null) {
            ctx.report.warning(MappingContext.at(msh, 7), "no message time to the second; Provenance.recorded set to the epoch");
            recorded = new InstantType("1970-01-01T00:00:00Z");
        }
        provenance.setRecordedElement(recorded);
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
