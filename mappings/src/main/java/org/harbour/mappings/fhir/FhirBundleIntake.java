package org.harbour.mappings.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR R4 transaction or batch Bundle pushed by a clinic, made ready for the record store as a
 * translated HL7 v2 message is: each resource gets a hub id, a name-based UUID of the sender and
 * the sender's own Type/id (so the sender's ids never collide with another's, and a resend is
 * the same record), references inside the Bundle follow, and a Provenance names the sender.
 * Entries that cannot be taken (no resource, DELETE, a resource type the hub does not keep) are
 * refused as a whole with every reason, before anything is acknowledged.
 */
public final class FhirBundleIntake {

    /** Message type recorded for pushed Bundles (the HL7 v2 MSH-9 equivalent). */
    public static final String MESSAGE_TYPE = "FHIR^Bundle";

    /** The Bundle cannot be taken; each reason names the entry. */
    public static final class RefusedException extends Exception {
        private final List<String> reasons;

        public RefusedException(List<String> reasons) {
            super(String.join("; ", reasons));
            this.reasons = List.copyOf(reasons);
        }

        public List<String> reasons() {
            return reasons;
        }
    }

    private final FhirContext fhir;

    public FhirBundleIntake(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** Checks a pushed Bundle (JSON) without changing it: its type, and that every entry can be stored. */
    public Bundle check(byte[] json) throws RefusedException {
        Bundle bundle;
        try {
            bundle = parser().parseResource(Bundle.class, new String(json, StandardCharsets.UTF_8));
        } catch (DataFormatException | ClassCastException e) {
            throw new RefusedException(List.of("not a FHIR R4 Bundle in JSON: " + e.getMessage()));
        }
        List<String> reasons = new ArrayList<>();
        if (bundle.getType() != Bundle.BundleType.TRANSACTION && bundle.getType() != Bundle.BundleType.BATCH) {
            reasons.add("Bundle.type must be transaction or batch, not " + (bundle.hasType() ? bundle.getType().toCode()
                    : "empty"));
        }
        if (bundle.getEntry().isEmpty()) {
            reasons.add("the Bundle has no entries");
        }
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            String at = "Bundle.entry[" + i + "]";
            Bundle.HTTPVerb method = entry.getRequest().getMethod();
            if (method != null && method != Bundle.HTTPVerb.POST && method != Bundle.HTTPVerb.PUT) {
                reasons.add(at + ": request method " + method.toCode() + " is not taken (POST or PUT only)");
                continue;
            }
            if (!entry.hasResource()) {
                reasons.add(at + ": no resource");
                continue;
            }
            Resource r = entry.getResource();
            if (r instanceof Bundle || r instanceof MessageHeader) {
                reasons.add(at + ": a " + r.fhirType() + " cannot be stored as a record");
            } else if (r instanceof org.hl7.fhir.r4.model.Consent || r instanceof org.hl7.fhir.r4.model.CareTeam) {
                // they decide who may see a patient's records: only their own path validates, authorises
                // (patient-privacy scope) and audits them
                reasons.add(at + ": a " + r.fhirType() + " is not taken in a pushed Bundle; send it to POST /fhir/"
                        + r.fhirType() + " (validated, authorised and audited there)");
            }
        }
        if (!reasons.isEmpty()) {
            throw new RefusedException(reasons);
        }
        return bundle;
    }

    /** The Bundle as the record store takes it: hub ids, references followed, a Provenance for the sender. */
    public Conversion convert(byte[] json, String sender, String controlId) throws RefusedException {
        Bundle pushed = check(json);
        ConversionReport report = new ConversionReport();
        Bundle out = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        out.setId(id(sender, "Bundle/" + controlId));
        Map<String, String> references = new HashMap<>();
        List<Resource> resources = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : pushed.getEntry()) {
            Resource r = entry.getResource().copy();
            String own = r.hasIdElement() && r.getIdElement().hasIdPart()
                    ? r.fhirType() + "/" + r.getIdElement().getIdPart()
                    : entry.hasFullUrl() ? entry.getFullUrl() : r.fhirType() + "/entry-" + resources.size();
            String hubId = id(sender, own);
            references.put(own, "urn:uuid:" + hubId);
            if (entry.hasFullUrl()) {
                references.put(entry.getFullUrl(), "urn:uuid:" + hubId);
            }
            r.setId(hubId);
            r.setMeta(null);
            resources.add(r);
        }
        var terser = fhir.newTerser();
        Provenance provenance = new Provenance();
        for (Resource r : resources) {
            for (Reference ref : terser.getAllPopulatedChildElementsOfType(r, Reference.class)) {
                String to = ref.hasReference() ? references.get(ref.getReference()) : null;
                if (to != null) {
                    ref.setReference(to);
                } else if (ref.hasReference() && !ref.getReference().startsWith("#")) {
                    report.info(r.fhirType() + "/" + r.getIdElement().getIdPart(), "reference " + ref.getReference()
                            + " is outside the Bundle; kept as given");
                }
            }
            out.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r).getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT).setUrl(r.fhirType() + "/" + r.getIdElement().getIdPart());
            provenance.addTarget(new Reference("urn:uuid:" + r.getIdElement().getIdPart()));
        }
        provenance.setId(id(sender, "Provenance/" + controlId));
        provenance.setRecorded(new java.util.Date());
        provenance.addAgent().setWho(new Reference().setDisplay(sender)).getType().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type").setCode("author");
        out.addEntry().setFullUrl("urn:uuid:" + provenance.getIdElement().getIdPart()).setResource(provenance)
                .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + provenance.getIdElement().getIdPart());
        return new Conversion(out, report, MESSAGE_TYPE, controlId, sender, true);
    }

    private static String id(String sender, String own) {
        return UUID.nameUUIDFromBytes(("harbour-fhir|" + sender + "|" + own).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private IParser parser() {
        return fhir.newJsonParser();
    }
}
