package org.harbour.mappings.fhir;

/** Small checks on v2 text. */
final class VTypes {

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?\\d{1,9}");

    private VTypes() {
    }

    static boolean isInteger(String text) {
        return text != null && INTEGER.matcher(text).matches();
    }
}
