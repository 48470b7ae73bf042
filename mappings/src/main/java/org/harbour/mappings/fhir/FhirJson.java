package org.harbour.mappings.fhir;

import ca.uhn.fhir.context.FhirContext;

/**
 * The FHIR R4 context Harbour reads and writes with: HAPI's shared R4 context, told not to look
 * for in-memory resources to contain. Every reference Harbour makes is by URL ({@code urn:uuid:}
 * inside a Bundle, {@code Type/id} in the record store), so that scan of each resource's whole
 * tree before writing it found nothing and cost about a tenth of the JSON encoding.
 */
public final class FhirJson {

    private FhirJson() {
    }

    public static FhirContext context() {
        FhirContext fhir = FhirContext.forR4Cached();
        if (fhir.getParserOptions().isAutoContainReferenceTargetsWithNoId()) {
            fhir.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        }
        return fhir;
    }
}
