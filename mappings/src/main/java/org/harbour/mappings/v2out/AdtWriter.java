package org.harbour.mappings.v2out;

import ca.uhn.hl7v2.HL7Exception;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/** ADT (A01, A03, A04, A08, A11, A13): EVN, PID from the Patient, PV1 from its Encounter. */
final class AdtWriter {

    private final V2Writer w;
    private final FhirToV2.Resources resources;
    private final boolean v231;

    AdtWriter(V2Writer w, FhirToV2.Resources resources, boolean v231) {
        this.w = w;
        this.resources = resources;
        this.v231 = v231;
    }

    void write(String event) throws HL7Exception {
        w.set("/EVN-1", event);
        Encounter encounter = resources.first(Encounter.class);
        if (encounter != null && encounter.getPeriod().hasStart()) {
            w.set("/EVN-2", w.time(encounter.getPeriod().getStartElement()));
        } else {
            w.set("/EVN-2", w.t.get("/MSH-7"));
        }
        Patient patient = resources.first(Patient.class);
        if (patient == null) {
            throw new IllegalArgumentException("the Bundle has no Patient: nothing to write as an ADT");
        }
        w.pid("/PID", patient);
        if (encounter != null) {
            pv1("/PV1", encounter);
        } else {
            w.set("/PV1-2", "N");
        }
        // observations the ADT carries (height, weight, ...): OBX segments of the ADT itself
        int obx = 0;
        for (org.hl7.fhir.r4.model.Observation o : resources.all(org.hl7.fhir.r4.model.Observation.class)) {
            OruWriter.observation(w, v231, "/OBX(" + obx + ")", null, obx + 1, o);
            obx++;
        }
    }

    /** PV1: class, visit number, admit and discharge times, attending doctor's name as the Encounter shows it. */
    void pv1(String pv1, Encounter e) throws HL7Exception {
        resources.use(e);
        w.set(pv1 + "-1", "1");
        String code = e.hasClass_() ? e.getClass_().getCode() : null;
        w.set(pv1 + "-2", code == null ? "U" : w.reverse("encounter-class", code, "U"));
        for (Identifier id : e.getIdentifier()) {
            if ("VN".equals(id.getType().getCodingFirstRep().getCode())) {
                w.set(pv1 + "-19-1", id.getValue());
            }
        }
        if (e.getPeriod().hasStart()) {
            w.set(pv1 + "-44", w.time(e.getPeriod().getStartElement()));
        }
        if (e.getPeriod().hasEnd()) {
            w.set(pv1 + "-45", w.time(e.getPeriod().getEndElement()));
        }
        for (String element : java.util.List.of("location", "participant", "serviceType", "hospitalization",
                "diagnosis", "reasonCode")) {
            if (e.getNamedProperty(element) != null && e.getNamedProperty(element).hasValues()) {
                w.report.info("Encounter." + element, "no place in PV1 here: not sent");
            }
        }
    }
}
