package org.harbour.routes;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** Reads the parts of an HL7 acknowledgement that tests check. */
public record Acks(String msh, String msa, Optional<String> err) {

    public static Acks parse(byte[] ack) {
        return parse(ack, StandardCharsets.UTF_8);
    }

    public static Acks parse(byte[] ack, Charset charset) {
        String[] segments = new String(ack, charset).split("\r");
        return new Acks(segments[0],
                Arrays.stream(segments).filter(s -> s.startsWith("MSA|")).findFirst().orElse(""),
                Arrays.stream(segments).filter(s -> s.startsWith("ERR|")).findFirst());
    }

    /** MSA-1. */
    public String code() {
        return msa.split("\\|", -1)[1];
    }

    /** MSA-2. */
    public String controlId() {
        String[] fields = msa.split("\\|", -1);
        return fields.length > 2 ? fields[2] : "";
    }
}
