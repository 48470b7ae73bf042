package org.harbour.mappings.id;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hong Kong Identity Card numbers: one or two letters, six digits and a check digit (0-9 or A),
 * written with or without brackets: {@code A123456(3)}, {@code AB1234569}. The check digit is
 * validated; only a valid HKID is used to link a patient across institutions.
 */
public final class Hkid {

    /** The identifier system Harbour uses for HKIDs unless configured otherwise. */
    public static final String SYSTEM = "urn:harbour:id:hkid";

    private static final Pattern SHAPE = Pattern.compile("([A-Z]{1,2})([0-9]{6})\\(?([0-9A])\\)?");

    private Hkid() {
    }

    /** The normalised form (no brackets, upper case) when the text is a valid HKID. */
    public static Optional<String> normalise(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(text.strip().toUpperCase(Locale.ROOT).replace(" ", ""));
        if (!m.matches()) {
            return Optional.empty();
        }
        String letters = m.group(1);
        String digits = m.group(2);
        char check = m.group(3).charAt(0);
        return checkDigit(letters, digits) == check ? Optional.of(letters + digits + check) : Optional.empty();
    }

    public static boolean isValid(String text) {
        return normalise(text).isPresent();
    }

    /** True when the text has the shape of an HKID, whatever its check digit. */
    public static boolean looksLikeHkid(String text) {
        return text != null && SHAPE.matcher(text.strip().toUpperCase(Locale.ROOT).replace(" ", "")).matches();
    }

    /** A valid HKID from its letters and six digits, the check character computed (test data, examples). */
    public static String complete(String letters, String digits) {
        return letters + digits + checkDigit(letters, digits);
    }

    /** The check character for the letters and six digits. */
    static char checkDigit(String letters, String digits) {
        int sum = letters.length() == 1 ? 36 * 9 + value(letters.charAt(0)) * 8
                : value(letters.charAt(0)) * 9 + value(letters.charAt(1)) * 8;
        for (int i = 0; i < 6; i++) {
            sum += (digits.charAt(i) - '0') * (7 - i);
        }
        int check = (11 - sum % 11) % 11;
        return check == 10 ? 'A' : (char) ('0' + check);
    }

    private static int value(char letter) {
        return letter - 'A' + 10;
    }
}
