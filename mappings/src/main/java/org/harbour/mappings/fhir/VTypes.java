package org.harbour.mappings.fhir;

/** Small checks on v2 text. */
final class VTypes {

    private VTypes() {
    }

    static boolean isInteger(String text) {
        return text != null && text.matches("-?\\d{1,9}");
    }
}
