package org.harbour.routes.disclose;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.harbour.connectors.chat.SendResult;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.mappings.fhir.ConversionReport;
import org.harbour.mappings.v2out.FhirToV2;
import org.harbour.mappings.v2out.V2Message;
import org.harbour.routes.config.HarbourProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * A system that receives records as HL7 v2 over MLLP (a clinic EMR): the permitted records of one
 * delivery, with the patient, are written as one message (FhirToV2, the destination's version and
 * charset) and sent on the destination's connection (kept open, one message at a time), and the
 * ACK decides: AA (or CA) delivered; AE
 * refused with its text (retried first when {@code retry-on-ae}); AR refused; no ACK within
 * {@code ack-timeout}, a refused or closed connection: retried with backoff. MSH-10 is made from
 * the delivery's id, so a resend after a crash carries the same control id and a receiver that
 * deduplicates sees it once. A character the charset cannot hold refuses the message (the
 * destination would store a wrong name), with the reason.
 */
public final class MllpDestination {

    private final String id;
    private final HarbourProperties.Endpoint endpoint;
    private final FhirToV2 writer;
    private final Charset charset;
    private final Clock clock;
    /** The open connection to the destination, or null (guarded by this). */
    private MllpClient connection;

    MllpDestination(String id, HarbourProperties.Endpoint endpoint, FhirToV2.Settings settings) {
        this(id, endpoint, settings, Clock.systemUTC());
    }

    MllpDestination(String id, HarbourProperties.Endpoint endpoint, FhirToV2.Settings settings, Clock clock) {
        this.id = id;
        this.endpoint = endpoint;
        this.writer = new FhirToV2(settings);
        this.charset = charset(endpoint.charset());
        this.clock = clock;
    }

    /** UTF-8 or Big5 (written as Big5-HKSCS, whose Hong Kong characters Big5 lacks). */
    static Charset charset(String name) {
        if (name == null || name.equalsIgnoreCase("UTF-8") || name.equalsIgnoreCase("UTF8")) {
            return StandardCharsets.UTF_8;
        }
        if (name.toLowerCase(Locale.ROOT).startsWith("big5") || name.equalsIgnoreCase("BIG-5")) {
            return Charset.forName("Big5-HKSCS");
        }
        throw new IllegalArgumentException("charset " + name + " is not UTF-8 or Big5");
    }

    /** MSH-10 for a delivery: the same for every attempt at it. */
    static String controlId(String deliveryId) {
        String compact = deliveryId.replace("-", "");
        return "HBR" + compact.substring(0, Math.min(17, compact.length()));
    }

    /** The message a delivery becomes (for the send and for tests). */
    V2Message message(String deliveryId, Patient patient, List<Resource> records) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        if (patient != null) {
            bundle.addEntry().setFullUrl("Patient/" + patient.getIdElement().getIdPart()).setResource(patient);
        }
        for (Resource r : records) {
            bundle.addEntry().setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
        }
        return writer.convert(bundle, controlId(deliveryId), endpoint.hl7Version(), clock.instant(), charset);
    }

    /** A delivery's message in the destination's charset, or why it cannot be sent ({@code refused} set). */
    record Encoded(V2Message message, byte[] bytes, SendResult.Refused refused) {
    }

    Encoded encode(String deliveryId, Patient patient, List<Resource> records) {
        V2Message message;
        try {
            message = message(deliveryId, patient, records);
        } catch (IllegalArgumentException e) {
            return new Encoded(null, null, new SendResult.Refused("the records cannot be written as HL7 v2: "
                    + e.getMessage()));
        }
        byte[] bytes = message.encode(charset);
        List<ConversionReport.Entry> unwritable = message.report().entries(ConversionReport.Severity.ERROR);
        if (!unwritable.isEmpty()) {
            return new Encoded(message, null, new SendResult.Refused("not sent: " + unwritable.get(0).location() + " "
                    + unwritable.get(0).message() + (unwritable.size() > 1 ? " (and " + (unwritable.size() - 1)
                    + " more)" : "")));
        }
        return new Encoded(message, bytes, null);
    }

    public SendResult send(String deliveryId, Patient patient, List<Resource> records) {
        Encoded encoded = encode(deliveryId, patient, records);
        if (encoded.refused() != null) {
            return encoded.refused();
        }
        V2Message message = encoded.message();
        byte[] bytes = encoded.bytes();
        byte[] ack;
        synchronized (this) {
            try {
                ack = exchange(bytes);
            } catch (SocketTimeoutException e) {
                // a late ACK would arrive on this connection and be taken for the next message's: close it
                disconnect();
                return new SendResult.RetryLater("no ACK from " + id + " within " + endpoint.ackTimeout(), null);
            } catch (IOException e) {
                disconnect();
                return new SendResult.RetryLater(id + " at " + endpoint.host() + ":" + endpoint.port() + ": "
                        + e.getMessage(), null);
            }
        }
        return answer(message.controlId(), new String(ack, charset));
    }

    /**
     * Sends on the destination's connection, kept open between messages (they go one at a time).
     * A connection the receiver closed while idle fails on its first use: the message goes once
     * more on a new one (with its same MSH-10, so a receiver that deduplicates files it once).
     */
    private byte[] exchange(byte[] bytes) throws IOException {
        boolean reused = connection != null;
        if (connection == null) {
            connection = MllpClient.connect(endpoint.host(), endpoint.port(), javax.net.SocketFactory.getDefault(),
                    endpoint.ackTimeout());
        }
        try {
            return connection.send(bytes);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException stale) {
            disconnect();
            if (!reused) {
                throw stale;
            }
            connection = MllpClient.connect(endpoint.host(), endpoint.port(), javax.net.SocketFactory.getDefault(),
                    endpoint.ackTimeout());
            return connection.send(bytes);
        }
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // already gone
            }
            connection = null;
        }
    }

    /** What the ACK says. */
    SendResult answer(String controlId, String ack) {
        String msa = segment(ack, "MSA");
        if (msa == null) {
            return new SendResult.RetryLater(id + " answered without an MSA segment", null);
        }
        char field = msa.length() > 3 ? msa.charAt(3) : '|';
        String[] fields = msa.split(java.util.regex.Pattern.quote(String.valueOf(field)), -1);
        String code = fields.length > 1 ? fields[1].trim() : "";
        String acked = fields.length > 2 ? fields[2].trim() : "";
        String text = fields.length > 3 ? fields[3].trim() : "";
        String err = segment(ack, "ERR");
        String why = (text.isEmpty() ? "" : text) + (err == null ? "" : (text.isEmpty() ? "" : "; ") + err);
        if (!acked.isEmpty() && !acked.equals(controlId)) {
            return new SendResult.RetryLater(id + " acknowledged " + acked + ", not " + controlId, null);
        }
        return switch (code) {
            case "AA", "CA" -> new SendResult.Delivered(200, code + " " + controlId);
            case "AE", "CE" -> endpoint.retryOnAe() ? new SendResult.RetryLater(id + " answered " + code + ": " + why, null)
                    : new SendResult.Refused(id + " answered " + code + ": " + why);
            case "AR", "CR" -> new SendResult.Refused(id + " answered " + code + ": " + why);
            default -> new SendResult.RetryLater(id + " answered '" + code + "'", null);
        };
    }

    private static String segment(String message, String name) {
        for (String s : message.split("\r\n|\r|\n")) {
            if (s.startsWith(name)) {
                return s;
            }
        }
        return null;
    }
}
