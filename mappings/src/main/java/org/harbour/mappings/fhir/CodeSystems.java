package org.harbour.mappings.fhir;

import java.util.Locale;
import java.util.Map;

/**
 * Coding-system names as HL7 v2 messages write them (CWE-3, table 0396) to FHIR system URIs.
 * A name not known here is a local code system of the sender: it becomes
 * {@code urn:harbour:code:<sender>:<name>}, so local codes from two senders never meet by accident.
 */
final class CodeSystems {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";

    private static final java.util.regex.Pattern HL7_TABLE = java.util.regex.Pattern.compile("HL7\\d{4}");
    static final java.util.regex.Pattern URI = java.util.regex.Pattern.compile("(?i)(https?|urn):.*");
    private static final java.util.regex.Pattern OID = java.util.regex.Pattern.compile("[0-2](\\.(0|[1-9]\\d*)){3,}");
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("LN", LOINC), Map.entry("LOINC", LOINC),
            Map.entry("SCT", SNOMED), Map.entry("SNM", SNOMED), Map.entry("SNM3", SNOMED), Map.entry("SNOMED", SNOMED),
            Map.entry("SNOMED-CT", SNOMED), Map.entry("SNOMEDCT", SNOMED),
            Map.entry("I10", "http://hl7.org/fhir/sid/icd-10"), Map.entry("ICD10", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("I10C", "http://hl7.org/fhir/sid/icd-10-cm"), Map.entry("ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"),
            Map.entry("I9", "http://hl7.org/fhir/sid/icd-9-cm"), Map.entry("I9C", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("ICD9", "http://hl7.org/fhir/sid/icd-9-cm"), Map.entry("I9CP", "http://hl7.org/fhir/sid/icd-9-cm"),
            Map.entry("I10P", "http://www.cms.gov/Medicare/Coding/ICD10"),
            Map.entry("C4", "http://www.ama-assn.org/go/cpt"), Map.entry("CPT", "http://www.ama-assn.org/go/cpt"),
            Map.entry("CPT4", "http://www.ama-assn.org/go/cpt"),
            Map.entry("RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("NDC", "http://hl7.org/fhir/sid/ndc"), Map.entry("CVX", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("MVX", "http://hl7.org/fhir/sid/mvx"), Map.entry("UCUM", UCUM), Map.entry("ANS+", UCUM),
            Map.entry("NUCC", "http://nucc.org/provider-taxonomy"), Map.entry("ISO3166", "urn:iso:std:iso:3166"),
            Map.entry("ISO+", "urn:iso:std:iso:11073:10101"), Map.entry("NPI", "http://hl7.org/fhir/sid/us-npi"),
            Map.entry("ATC", "http://www.whocc.no/atc"), Map.entry("WHOATC", "http://www.whocc.no/atc"),
            Map.entry("HCPCS", "urn:oid:2.16.840.1.113883.6.285"), Map.entry("HPC", "urn:oid:2.16.840.1.113883.6.285"),
            Map.entry("CDCREC", "urn:oid:2.16.840.1.113883.6.238"), Map.entry("FDDX", "urn:oid:2.16.840.1.113883.6.63"),
            Map.entry("MEDCIN", "urn:oid:2.16.840.1.113883.6.26"), Map.entry("UPC", "urn:oid:2.16.840.1.113883.6.257"),
            Map.entry("UML", "http://www.nlm.nih.gov/research/umls"), Map.entry("DCM", "http://dicom.nema.org/resources/ontology/DCM"));

    private final String sender;

    CodeSystems(String sender) {
        this.sender = sender == null || sender.isBlank() ? "unknown" : sender;
    }

    /** The FHIR system for a v2 coding-system name; null when the name is empty. */
    /** The coding-system names (HL7 table 0396 and common variants) this class turns into FHIR systems. */
    static java.util.Set<String> knownNames() {
        return KNOWN.keySet();
    }

    String system(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String upper = name.strip().toUpperCase(Locale.ROOT);
        String known = KNOWN.get(upper);
        if (known != null) {
            return known;
        }
        if (HL7_TABLE.matcher(upper).matches()) {
            return "http://terminology.hl7.org/CodeSystem/v2-" + upper.substring(3);
        }
        if (isOid(upper)) {
            return "urn:oid:" + upper;
        }
        if (URI.matcher(name).matches()) {
            return name.strip();
        }
        return local(name);
    }

    /** The system for a sender's own codes that name no system. */
    String local(String name) {
        return "urn:harbour:code:" + token(sender) + ":" + token(name == null || name.isBlank() ? "local" : name);
    }

    /** An ISO object identifier as FHIR accepts it: three or more arcs, the first 0, 1 or 2. */
    static boolean isOid(String text) {
        return text != null && OID.matcher(text).matches();
    }

    static String token(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isLetterOrDigit(c) || c == '.' || c == '-' ? c : '_');
        }
        return out.toString();
    }
}
