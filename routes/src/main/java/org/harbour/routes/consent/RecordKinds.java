package org.harbour.routes.consent;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The kinds of record a consent's {@code provision.class} can name: resource types (system
 * {@code http://hl7.org/fhir/resource-types}) and, for results, the observation category
 * ({@code http://terminology.hl7.org/CodeSystem/observation-category}: laboratory, imaging, ...).
 * A DiagnosticReport's v2 category LAB counts as laboratory, RAD and imaging ones as imaging.
 */
public final class RecordKinds {

    public static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    /** Record types that are forwarded to recipients, with the label a message shows. */
    public static final Map<String, String> DISCLOSABLE = Map.ofEntries(
            Map.entry("Observation", "Result"),
            Map.entry("DiagnosticReport", "Report"),
            Map.entry("ImagingStudy", "Imaging study"),
            Map.entry("MedicationRequest", "Medication order"),
            Map.entry("MedicationDispense", "Medication dispensed"),
            Map.entry("MedicationAdministration", "Medication given"),
            Map.entry("MedicationStatement", "Medication"),
            Map.entry("AllergyIntolerance", "Allergy"),
            Map.entry("Encounter", "Encounter"),
            Map.entry("DocumentReference", "Document"),
            Map.entry("Immunization", "Immunization"),
            Map.entry("Condition", "Diagnosis"),
            Map.entry("Procedure", "Procedure"),
            Map.entry("DetectedIssue", "Repeat-test alert"));

    static final Set<String> CATEGORIES = Set.of("laboratory", "imaging", "vital-signs", "social-history", "survey",
            "exam", "therapy", "activity", "procedure");

    private RecordKinds() {
    }

    /** Whether a consent may name this coding as a class. */
    public static boolean known(Coding coding) {
        return RESOURCE_TYPES.equals(coding.getSystem()) && DISCLOSABLE.containsKey(coding.getCode())
                || OBSERVATION_CATEGORY.equals(coding.getSystem()) && CATEGORIES.contains(coding.getCode());
    }

    /** The kinds of a record, as {@code system|code}. */
    public static Set<String> of(Resource record) {
        Set<String> kinds = new LinkedHashSet<>();
        kinds.add(RESOURCE_TYPES + "|" + record.fhirType());
        if (record instanceof Observation o) {
            for (CodeableConcept category : o.getCategory()) {
                for (Coding c : category.getCoding()) {
                    if (OBSERVATION_CATEGORY.equals(c.getSystem())) {
                        kinds.add(OBSERVATION_CATEGORY + "|" + c.getCode());
                    }
                }
            }
        }
        if (record instanceof DiagnosticReport r) {
            for (CodeableConcept category : r.getCategory()) {
                for (Coding c : category.getCoding()) {
                    String code = c.getCode() == null ? "" : c.getCode();
                    if (code.equals("LAB") || code.equals("laboratory") || code.matches("CH|HM|MB|SR|BLB|CP|SP|VR|MCB")) {
                        kinds.add(OBSERVATION_CATEGORY + "|laboratory");
                    } else if (code.matches("RAD|CT|MR|RUS|NMS|XRC|imaging|LP18726-0")) {
                        kinds.add(OBSERVATION_CATEGORY + "|imaging");
                    }
                }
            }
        }
        if (record.fhirType().equals("ImagingStudy")) {
            kinds.add(OBSERVATION_CATEGORY + "|imaging");
        }
        return kinds;
    }
}
