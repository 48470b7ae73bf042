package org.harbour.routes.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLServerSocket;
import javax.sql.DataSource;
import org.harbour.connectors.syslog.SyslogSender;
import org.harbour.connectors.tls.TestCertificates;
import org.harbour.connectors.tls.TlsContexts;
import org.harbour.routes.TestH2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit export to a SIEM: RFC 5424 messages, octet-counted over TLS, to a local TLS syslog
 * receiver; in order, and after an outage resumed from the last entry sent, none lost or repeated.
 */
class SyslogExportTest {

    @TempDir
    Path dir;

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private AuditTrail trail;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (trail != null) {
            trail.close();
        }
    }

    /** A TLS syslog receiver on {@code port} (0 = any) that keeps every frame it reads. */
    private int startReceiver(int port) throws Exception {
        SSLServerSocket socket = (SSLServerSocket) TlsContexts.create(dir.resolve("siem.p12"), TestCertificates.PASSWORD,
                null, null).getServerSocketFactory().createServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = socket;
        Thread accept = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept(); DataInputStream in = new DataInputStream(client.getInputStream())) {
                    connections.add(client);
                    while (true) {
                        StringBuilder length = new StringBuilder();
                        int c;
                        while ((c = in.read()) != ' ') {
                            if (c < 0) {
                                throw new EOFException();
                            }
                            length.append((char) c);
                        }
                        byte[] frame = new byte[Integer.parseInt(length.toString())];
                        in.readFully(frame);
                        received.add(new String(frame, StandardCharsets.UTF_8));
                    }
                } catch (IOException closed) {
                    // the sender went away or the receiver stopped
                }
            }
        }, "test-syslog-receiver");
        accept.setDaemon(true);
        accept.start();
        return socket.getLocalPort();
    }

    @Test
    void entriesArriveInOrderAsRfc5424AndAnOutageLosesNothing() throws Exception {
        TestCertificates.keyPair(dir, "siem", "siem.hospital.example");
        TestCertificates.trustStore(dir, "siem");
        DataSource db = TestH2.fresh(dir);
        TestH2.flyway(db).migrate();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        trail = new AuditTrail(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)),
                FhirContext.forR4Cached(), Clock.systemUTC(), new AuditSigner(new byte[32]), Duration.ofSeconds(30));
        trail.record(AuditEvents.messageReceived("m-1", "C-1", "KWC", "/10.0.0.8:5000", "ORU^R01"));
        trail.record(AuditEvents.authenticationFailed("10.0.0.9", "GET /fhir/Patient", "no credentials"));
        trail.record(AuditEvents.recordAccessed("dr-chan", "read", "Patient/p-1", "p-1", true));

        int port = startReceiver(0);
        SyslogSender sender = new SyslogSender("127.0.0.1", port, TlsContexts.create(null, null,
                dir.resolve("trusts-siem.p12"), TestCertificates.PASSWORD).getSocketFactory(), Duration.ofSeconds(5),
                "harbour-hub-1", "harbour");
        SyslogExport export = new SyslogExport(jdbc, sender, FhirContext.forR4Cached(), Clock.systemUTC());

        assertThat(export.exportNew()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(received.get(0)).matches("<110>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z harbour-hub-1 harbour - "
                + "AuditEvent \\[harbour@32473 seq=\"1\" hash=\"[0-9a-f]{64}\" type=\"110107\" subtype=\"received\""
                + " outcome=\"0\"] \uFEFF\\{\"resourceType\":\"AuditEvent\".*");
        assertThat(received.get(1)).startsWith("<108>1 ").contains("seq=\"2\"", "subtype=\"login-failed\"", "outcome=\"4\"");
        assertThat(received.get(2)).contains("seq=\"3\"", "\"value\":\"dr-chan\"");
        assertThat(export.exportNew()).isZero();

        // the SIEM goes away: entries wait, and nothing is marked as sent
        server.close();
        for (Socket connection : connections) {
            connection.close();
        }
        trail.record(AuditEvents.adminAction("ops", "replay", "message m-1 replayed", true));
        trail.record(AuditEvents.adminAction("ops", "replay", "message m-2 replayed", true));
        assertThat(export.exportNew()).isZero();
        assertThat(export.exportNew()).isZero();

        startReceiver(port);
        assertThat(export.exportNew()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
        assertThat(received.get(3)).contains("seq=\"4\"", "message m-1 replayed");
        assertThat(received.get(4)).contains("seq=\"5\"", "message m-2 replayed");
        assertThat(export.exportNew()).isZero();
        assertThat(received).hasSize(5);
        sender.close();
    }
}
