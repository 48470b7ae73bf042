package org.harbour.routes.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import org.harbour.connectors.mllp.MllpClient;
import org.harbour.connectors.tls.TlsContexts;
import org.harbour.mappings.hl7.Hl7Batch;
import org.harbour.mappings.hl7.Hl7Envelope;
import org.harbour.mappings.hl7.Hl7EnvelopeReader;

/**
 * {@code send --host H --port P [--tls] [--trust-store F] [--key-store F] FILE...}: sends every
 * message in the files over one MLLP connection and prints one line per message: its control
 * id, the ACK code, and the error text if any. Exit 0 when all were AA, 1 otherwise, 2 on usage
 * errors. Store passwords come from HARBOUR_SEND_TRUST_STORE_PASSWORD / HARBOUR_SEND_KEY_STORE_PASSWORD.
 */
public final class SendCommand {

    private final PrintStream out;
    private final PrintStream err;

    public SendCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        String host = null;
        Integer port = null;
        boolean tls = false;
        Path trustStore = null;
        Path keyStore = null;
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--tls" -> tls = true;
                    case "--trust-store" -> trustStore = Path.of(args[++i]);
                    case "--key-store" -> keyStore = Path.of(args[++i]);
                    default -> {
                        if (args[i].startsWith("--")) {
                            return usage("unknown option " + args[i]);
                        }
                        files.add(Path.of(args[i]));
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            return usage("an option is missing its value");
        }
        if (host == null || port == null || files.isEmpty()) {
            return usage("--host, --port and at least one FILE are required");
        }
        SocketFactory sockets;
        try {
            sockets = tls ? TlsContexts.create(keyStore, secret("HARBOUR_SEND_KEY_STORE_PASSWORD"), trustStore,
                    secret("HARBOUR_SEND_TRUST_STORE_PASSWORD")).getSocketFactory() : SocketFactory.getDefault();
        } catch (IOException | GeneralSecurityException e) {
            err.println("cannot set up TLS: " + e.getMessage());
            return 2;
        }
        return send(host, port, sockets, files);
    }

    private int send(String host, int port, SocketFactory sockets, List<Path> files) {
        Hl7EnvelopeReader envelopes = new Hl7EnvelopeReader();
        boolean allAccepted = true;
        try (MllpClient client = MllpClient.connect(host, port, sockets, Duration.ofSeconds(60))) {
            for (Path file : files) {
                List<byte[]> messages = Hl7Batch.split(Files.readAllBytes(file));
                if (messages.isEmpty()) {
                    err.println(file + ": no HL7 v2 message found");
                    allAccepted = false;
                }
                for (byte[] message : messages) {
                    AckSummary ack = AckSummary.of(client.send(message));
                    Hl7Envelope envelope = envelopes.read(message).envelope();
                    String controlId = envelope == null ? "?" : envelope.text(envelope.controlId());
                    out.println(controlId + " " + ack.code() + (ack.text().isEmpty() ? "" : " " + ack.text()));
                    allAccepted &= "AA".equals(ack.code()) || "CA".equals(ack.code());
                }
            }
        } catch (IOException e) {
            err.println("send failed: " + e.getMessage());
            return 1;
        }
        return allAccepted ? 0 : 1;
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar harbour.jar send --host H --port P [--tls] [--trust-store F] [--key-store F] FILE...");
        return 2;
    }

    private static char[] secret(String variable) {
        String value = System.getenv(variable);
        return value == null ? new char[0] : value.toCharArray();
    }

    /** MSA-1 and the error text (ERR-8, else MSA-3) of an acknowledgement. */
    record AckSummary(String code, String text) {
        static AckSummary of(byte[] ack) {
            String text = new String(ack, StandardCharsets.UTF_8);
            String code = "?";
            String message = "";
            for (String segment : text.split("[\r\n]+")) {
                if (segment.length() < 4) {
                    continue;
                }
                String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(segment.charAt(3))), -1);
                if (segment.startsWith("MSA")) {
                    code = fields.length > 1 ? fields[1] : "?";
                    message = fields.length > 3 ? fields[3] : "";
                } else if (segment.startsWith("ERR") && fields.length > 8 && !fields[8].isEmpty()) {
                    message = fields[8];
                }
            }
            return new AckSummary(code, message);
        }
    }
}
