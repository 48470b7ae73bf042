package org.harbour.mappings.fhir;

import org.hl7.fhir.r4.model.Bundle;

/**
 * One message translated: the FHIR R4 transaction Bundle, its conversion report, and what the
 * message was (type, control id, sender). {@code mapped} is false when the message type has no
 * mapping: the Bundle then holds only what every message yields (header, patient, provenance)
 * and the report says so; the message itself is kept raw by the caller.
 */
public record Conversion(Bundle bundle, ConversionReport report, String messageType, String controlId,
        String sender, boolean mapped) {
}
