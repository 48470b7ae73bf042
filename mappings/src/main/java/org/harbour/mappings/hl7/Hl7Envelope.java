package org.harbour.mappings.hl7;

import java.nio.charset.Charset;

/**
 * The routing facts of an HL7 v2 message, read from its MSH segment.
 *
 * @param fieldSeparator MSH-1
 * @param encodingCharacters MSH-2 (component, repetition, escape, subcomponent[, truncation])
 * @param sendingApplication MSH-3, as sent (components joined by the component separator)
 * @param sendingFacility MSH-4, as sent
 * @param receivingApplication MSH-5, as sent
 * @param receivingFacility MSH-6, as sent
 * @param messageType MSH-9 message code and trigger event, as {@code ORU^R01}
 * @param controlId MSH-10
 * @param processingId MSH-11 first component (P, T, D)
 * @param version MSH-12 first component (2.5.1)
 * @param characterSet MSH-18 first repetition as sent; empty when absent
 * @param charset the Java charset that MSH-18 names
 * @param acceptAckType MSH-15 (AL, NE, ER, SU), empty when absent
 * @param applicationAckType MSH-16 (AL, NE, ER, SU), empty when absent
 */
public record Hl7Envelope(
        char fieldSeparator,
        String encodingCharacters,
        String sendingApplication,
        String sendingFacility,
        String receivingApplication,
        String receivingFacility,
        String messageType,
        String controlId,
        String processingId,
        String version,
        String characterSet,
        Charset charset,
        String acceptAckType,
        String applicationAckType) {

    /** Enhanced acknowledgement mode: the sender named the acknowledgements it wants (MSH-15 or MSH-16). */
    public boolean enhancedMode() {
        return !acceptAckType.isEmpty() || !applicationAckType.isEmpty();
    }

    /** MSH-9.2, the trigger event, or empty. */
    public String triggerEvent() {
        int caret = messageType.indexOf('^');
        return caret < 0 ? "" : messageType.substring(caret + 1);
    }

    /** MSH-9.1, the message code (ORU, ADT, …). */
    public String messageCode() {
        int caret = messageType.indexOf('^');
        return caret < 0 ? messageType : messageType.substring(0, caret);
    }

    /** Who sent it: MSH-4 sending facility, or MSH-3 when a sender leaves MSH-4 empty. */
    public String sender() {
        return sendingFacility.isBlank() ? sendingApplication : sendingFacility;
    }

    /**
     * A field as text: the fields here are the message's bytes, one char each (as ISO-8859-1, so
     * that an ACK can echo them byte for byte); this decodes one in the message's character set,
     * so that 化驗-0001 sent in UTF-8 or Big5 is stored and searched as 化驗-0001.
     */
    public String text(String field) {
        return new String(field.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), charset);
    }
}
