package org.harbour.mappings.hl7;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds HL7 v2 acknowledgements addressed back to the sender: the ACK's MSH swaps the sending
 * and receiving application/facility of the original, keeps its delimiters, processing id,
 * version and character set, and MSA-2 echoes the original MSH-10. Original mode answers
 * AA/AE/AR; in enhanced mode (the original names MSH-15 or MSH-16) {@link #enhanced} gives the
 * accept acknowledgement (CA/CE/CR) and the application acknowledgement the sender asked for.
 */
public final class AckBuilder {

    private static final DateTimeFormatter HL7_TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ");
    private static final String DEFAULT_ENCODING = "^~\\&";
    private static final int MAX_MSA3_LENGTH = 80;

    private final String applicationName;
    private final Clock clock;
    private final AtomicLong sequence;
    private final String idPrefix;

    /**
     * @param applicationName who answers when the original did not name a receiving application
     * @param clock the clock (and zone) for MSH-7
     */
    public AckBuilder(String applicationName, Clock clock) {
        this.applicationName = applicationName;
        this.clock = clock;
        this.sequence = new AtomicLong();
        this.idPrefix = Long.toString(clock.millis(), 36).toUpperCase();
    }

    /** An AA acknowledgement of an accepted message. */
    public byte[] accept(Hl7Envelope original) {
        return build(original, AckCode.AA, null);
    }

    /** An AE or AR acknowledgement with an ERR segment that says why. */
    public byte[] problem(Hl7Envelope original, Hl7Problem problem) {
        return build(original, problem.ackCode(), problem);
    }

    /**
     * The answers enhanced mode asks for, in order: the accept acknowledgement (CA when taken, CE
     * when it cannot be taken as it is, CR when not now) when MSH-15 wants it, then the application
     * acknowledgement (AA, or the problem's AE/AR) when MSH-16 wants it — each of AL (always; also
     * an empty field), NE (never), ER (only on an error), SU (only on success). The application
     * acknowledgement is itself a message; its MSH-15 and MSH-16 say NE, so the sender does not
     * acknowledge it in turn. Empty when the sender wants neither.
     *
     * @param problem why it was not taken; null when it was
     */
    public java.util.List<byte[]> enhanced(Hl7Envelope original, Hl7Problem problem) {
        boolean success = problem == null;
        java.util.List<byte[]> out = new java.util.ArrayList<>(2);
        if (wanted(original.acceptAckType(), success)) {
            AckCode commit = success ? AckCode.CA : problem.ackCode() == AckCode.AE ? AckCode.CE : AckCode.CR;
            out.add(build(original, commit, problem));
        }
        if (wanted(original.applicationAckType(), success)) {
            out.add(build(original, success ? AckCode.AA : problem.ackCode(), problem, true));
        }
        return out;
    }

    private static boolean wanted(String type, boolean success) {
        return switch (type.toUpperCase(java.util.Locale.ROOT)) {
            case "NE" -> false;
            case "ER" -> !success;
            case "SU" -> success;
            default -> true;
        };
    }

    private byte[] build(Hl7Envelope original, AckCode code, Hl7Problem problem) {
        return build(original, code, problem, false);
    }

    private byte[] build(Hl7Envelope original, AckCode code, Hl7Problem problem, boolean asksNoAnswer) {
        char fs = original == null ? '|' : original.fieldSeparator();
        String enc = original == null ? DEFAULT_ENCODING : original.encodingCharacters();
        Hl7Escaper escaper = new Hl7Escaper(fs, enc);
        String version = original == null || original.version().isBlank() ? "2.5" : original.version();
        String trigger = original == null ? "" : original.triggerEvent();
        char comp = enc.charAt(0);
        String type = trigger.isEmpty() ? "ACK"
                : "ACK" + comp + trigger + (atLeast(version, 2, 3, 1) ? comp + "ACK" : "");

        StringBuilder ack = new StringBuilder(256);
        ack.append("MSH").append(fs).append(enc)
                .append(fs).append(orDefault(original == null ? "" : original.receivingApplication(), applicationName))
                .append(fs).append(original == null ? "" : original.receivingFacility())
                .append(fs).append(original == null ? "" : original.sendingApplication())
                .append(fs).append(original == null ? "" : original.sendingFacility())
                .append(fs).append(ZonedDateTime.now(clock).format(HL7_TIMESTAMP))
                .append(fs)
                .append(fs).append(type)
                .append(fs).append(nextControlId())
                .append(fs).append(orDefault(original == null ? "" : original.processingId(), "P"))
                .append(fs).append(version);
        boolean echoCharset = original != null && !original.characterSet().isEmpty();
        if (asksNoAnswer || echoCharset) {
            // MSH-13, MSH-14, then MSH-15 and MSH-16 (NE: this answer wants none), MSH-17, MSH-18
            ack.append(fs).append(fs).append(fs).append(asksNoAnswer ? "NE" : "").append(fs).append(asksNoAnswer ? "NE" : "");
            if (echoCharset) {
                ack.append(fs).append(fs).append(original.characterSet());
            }
        }
        ack.append('\r');
        ack.append("MSA").append(fs).append(code.name())
                .append(fs).append(original == null ? "" : original.controlId());
        if (problem != null) {
            ack.append(fs).append(escaper.escape(truncate(problem.reason(), MAX_MSA3_LENGTH)));
        }
        ack.append('\r');
        if (problem != null) {
            appendErr(ack, fs, enc, version, problem, escaper);
        }
        Charset charset = original == null ? StandardCharsets.UTF_8 : original.charset();
        return bytes(ack, charset);
    }

    /**
     * The ACK's bytes. What it echoes from the original envelope (MSH-3 to MSH-6, MSH-10 in MSA-2)
     * was read byte for byte (each byte one char, as ISO-8859-1), so it is written back the same way:
     * the sender gets its own bytes, in its own character set, and can match the ACK to its message
     * whatever MSH-10 holds. The hub's own text is ASCII; anything beyond one byte is written in the
     * message's character set.
     */
    private static byte[] bytes(CharSequence ack, Charset charset) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ack.length() + 16);
        for (int i = 0; i < ack.length(); i++) {
            char c = ack.charAt(i);
            if (c <= 0xFF) {
                out.write(c);
            } else {
                byte[] encoded = String.valueOf(c).getBytes(charset);
                out.write(encoded, 0, encoded.length);
            }
        }
        return out.toByteArray();
    }

    private static void appendErr(StringBuilder ack, char fs, String enc, String version, Hl7Problem problem,
            Hl7Escaper escaper) {
        char comp = enc.charAt(0);
        char sub = enc.charAt(3);
        String reason = escaper.escape(problem.reason());
        ack.append("ERR").append(fs);
        if (atLeast(version, 2, 5, 0)) {
            // ERR-3 error code (CWE), ERR-4 severity, ERR-8 user message
            ack.append(fs).append(fs).append(problem.errorCode()).append(comp).append(problem.errorText())
                    .append(comp).append("HL70357")
                    .append(fs).append('E').append(fs).append(fs).append(fs).append(fs).append(reason);
        } else {
            // ERR-1 error code and location (ELD): the CE code sits in the fourth component
            ack.append(comp).append(comp).append(comp).append(problem.errorCode()).append(sub)
                    .append(escaper.escape(problem.errorText())).append(sub).append("HL70357");
        }
        ack.append('\r');
    }

    private String nextControlId() {
        return "HBR" + idPrefix + sequence.incrementAndGet();
    }

    private static boolean atLeast(String version, int major, int minor, int patch) {
        String[] parts = version.split("\\.");
        int[] have = new int[3];
        for (int i = 0; i < Math.min(3, parts.length); i++) {
            try {
                have[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        int[] want = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (have[i] != want[i]) {
                return have[i] > want[i];
            }
        }
        return true;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
