package org.harbour.connectors.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * Sends syslog messages in the RFC 5424 format over TCP with octet-counting framing (RFC 6587),
 * which is the RFC 5425 transport when the socket factory is TLS. One connection, opened on
 * first use and again after a failure. {@link #send} returns once every message is written and
 * flushed; TCP syslog has no receipt, so a caller that must not lose entries resends from its
 * own position after a failure (at-least-once).
 */
public final class SyslogSender implements AutoCloseable {

    /** Facility 13: log audit. */
    public static final int LOG_AUDIT = 13;
    public static final int WARNING = 4;
    public static final int NOTICE = 5;
    public static final int INFORMATIONAL = 6;

    /** One message: structured data as one SD-ELEMENT with its parameters, then free text (UTF-8). */
    public record Message(int facility, int severity, Instant timestamp, String msgId, String sdId,
            Map<String, String> params, String text) {
    }

    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private final Duration timeout;
    private final String hostname;
    private final String appName;
    private Socket socket;
    private OutputStream out;

    public SyslogSender(String host, int port, SocketFactory sockets, Duration timeout, String hostname, String appName) {
        this.host = host;
        this.port = port;
        this.sockets = sockets;
        this.timeout = timeout;
        this.hostname = field(hostname, 255);
        this.appName = field(appName, 48);
    }

    /** Writes the messages in order on one connection; on failure the connection is closed and the error thrown. */
    public synchronized void send(List<Message> messages) throws IOException {
        try {
            if (socket != null && !stillOpen()) {
                close();
            }
            if (socket == null) {
                connect();
            }
            for (Message m : messages) {
                byte[] frame = format(m).getBytes(StandardCharsets.UTF_8);
                out.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(frame);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Whether the receiver still holds the connection. A syslog receiver never writes, so a
     * readable end of stream (or an error) means it has gone; a write would then seem to succeed
     * and be lost, so the connection is replaced before the next batch instead.
     */
    private boolean stillOpen() {
        try {
            socket.setSoTimeout(1);
            try {
                return socket.getInputStream().read() >= 0;
            } finally {
                socket.setSoTimeout((int) timeout.toMillis());
            }
        } catch (java.net.SocketTimeoutException quiet) {
            return true;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private void connect() throws IOException {
        Socket s = sockets.createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            if (s instanceof SSLSocket tls) {
                var parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
            }
            socket = s;
            out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The RFC 5424 SYSLOG-MSG: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [SD] BOM text}. */
    public String format(Message m) {
        StringBuilder b = new StringBuilder(256 + m.text().length());
        b.append('<').append(m.facility() * 8 + m.severity()).append(">1 ")
                .append(DateTimeFormatter.ISO_INSTANT.format(m.timestamp().truncatedTo(ChronoUnit.MICROS))).append(' ')
                .append(hostname).append(' ').append(appName).append(" - ").append(field(m.msgId(), 32)).append(' ');
        if (m.sdId() == null) {
            b.append('-');
        } else {
            b.append('[').append(m.sdId());
            m.params().forEach((name, value) -> b.append(' ').append(name).append("=\"").append(escape(value)).append('"'));
            b.append(']');
        }
        return b.append(" \uFEFF").append(m.text()).toString();
    }

    private static String escape(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} long, "-" when empty. */
    private static String field(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c > 32 && c < 127 && b.length() < max) {
                b.append(c);
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing after a failure: nothing more to do
            }
        }
        socket = null;
        out = null;
    }
}
