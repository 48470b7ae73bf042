package org.harbour.routes;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Hong Kong flavoured HL7 v2 test messages, written for Harbour's tests. */
public final class Hl7Samples {

    public static final Charset BIG5 = Charset.forName("Big5");

    private Hl7Samples() {
    }

    /**
     * A lab result (HbA1c) for 陳大文 with a valid HKID, from a MediLink-style clinic EMR.
     *
     * @param msh18 MSH-18 as sent ("" for none)
     */
    public static String oru(String sender, String controlId, String msh18) {
        return "MSH|^~\\&|MEDILINK|" + sender + "|HARBOUR|HUB|20261122093000+0800||ORU^R01^ORU_R01|" + controlId
                + "|P|2.5.1|||||HKG|" + msh18 + "\r"
                + "PID|1||KWC-000123^^^" + sender + "^MR~A1234563^^^HKID^NNHKG||陳^大文^^^^^L~CHAN^TAI MAN^^^^^A||19600101|M|||"
                + "香港九龍彌敦道123號^^九龍^^^HKG||^PRN^PH^^852^91234567\r"
                + "PV1|1|O|KWC^^^KWC||||D1234^黃^美玲^^^^Dr\r"
                + "ORC|RE|ORD" + controlId + "|LAB" + controlId + "\r"
                + "OBR|1|ORD" + controlId + "|LAB" + controlId + "|4548-4^Hemoglobin A1c^LN|||20261122083000+0800\r"
                + "OBX|1|NM|4548-4^Hemoglobin A1c/Hemoglobin.total in Blood^LN||8.1|%^%^UCUM|4.0-6.0|H|||F|||20261122083000+0800\r"
                + "NTE|1||Fasting sample. 空腹抽血。\r";
    }

    /**
     * A lab result for patient number {@code n} (陳大文 with a valid HKID of its own): potassium
     * with the given value and abnormal flag (OBX-8: N, H, HH, ...).
     */
    public static String potassium(String sender, String controlId, int n, String value, String flag) {
        String hkid = hkidOf(n);
        return "MSH|^~\\&|MEDILINK|" + sender + "|HARBOUR|HUB|20261122093000+0800||ORU^R01^ORU_R01|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||KWC-" + n + "^^^" + sender + "^MR~" + hkid + "^^^HKID^NNHKG||陳^大文^^^^^L~CHAN^TAI MAN^^^^^A||"
                + "19600101|M\r"
                + "ORC|RE|ORD" + controlId + "|LAB" + controlId + "\r"
                + "OBR|1|ORD" + controlId + "|LAB" + controlId + "|2823-3^Potassium^LN|||20261122083000+0800\r"
                + "OBX|1|NM|2823-3^Potassium [Moles/volume] in Serum or Plasma^LN||" + value + "|mmol/L^mmol/L^UCUM|"
                + "3.5-5.1|" + flag + "|||F|||20261122083000+0800\r";
    }

    /** A new lab order (ORM^O01, ORC-1 NW) for patient number {@code n}, by doctor D1234 (陳大文醫生). */
    public static String order(String sender, String controlId, int n, String testCode, String testSystem) {
        return "MSH|^~\\&|HIS|" + sender + "|HARBOUR|HUB|20261122110000+0800||ORM^O01^ORM_O01|" + controlId
                + "|P|2.5.1|||||HKG|UNICODE UTF-8\r"
                + "PID|1||" + sender + "-" + n + "^^^" + sender + "^MR~" + hkidOf(n) + "^^^HKID^NNHKG||陳^大文^^^^^L||"
                + "19600101|M\r"
                + "ORC|NW|ORD" + controlId + "|||||||20261122110000+0800|||D1234^陳^大文^^^^Dr\r"
                + "OBR|1|ORD" + controlId + "||" + testCode + "^Test " + testCode + "^" + testSystem + "|||20261122110000+0800"
                + "||||||||D1234^陳^大文^^^^Dr\r";
    }

    /** The normalised HKID {@link #potassium} gives patient number {@code n}. */
    public static String hkidOf(int n) {
        return org.harbour.mappings.id.Hkid.complete("K", String.format(java.util.Locale.ROOT, "%06d", n));
    }

    /** An admission (ADT^A01) for 黃美玲 in a hospital. */
    public static String adt(String sender, String controlId) {
        return "MSH|^~\\&|PAS|" + sender + "|HARBOUR|HUB|20261122101500+0800||ADT^A01^ADT_A01|" + controlId
                + "|P|2.5|||||HKG|UNICODE UTF-8\r"
                + "EVN|A01|20261122101500+0800\r"
                + "PID|1||QEH-778899^^^" + sender + "^MR~G123456A^^^HKID^NNHKG||黃^美玲^^^^^L||19751231|F\r"
                + "PV1|1|I|MED^12^3^" + sender + "||||D5678^李^志明\r";
    }

    /**
     * A result of about {@code size} bytes, as large messages really are: a scanned report (PDF)
     * carried base64-encoded in one ED observation, plus a narrative line in Chinese.
     */
    public static String oruOfSize(String sender, String controlId, int size) {
        StringBuilder message = new StringBuilder(oru(sender, controlId, "UNICODE UTF-8"));
        message.append("OBX|2|TX|11526-1^Pathology study^LN||報告全文見附件 report attached||||||F\r");
        message.append("OBX|3|ED|11526-1^Pathology study^LN||^AP^PDF^Base64^");
        StringBuilder pdf = new StringBuilder("%PDF-1.4 scanned pathology report ");
        while (message.length() + pdf.length() * 4 / 3 < size) {
            pdf.append("stream of page content 0123456789 ");
        }
        message.append(java.util.Base64.getEncoder().encodeToString(pdf.toString().getBytes(StandardCharsets.US_ASCII)));
        message.append("||||||F\r");
        return message.toString();
    }

    public static byte[] utf8(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
