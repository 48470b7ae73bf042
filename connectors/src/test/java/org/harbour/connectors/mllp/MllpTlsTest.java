package org.harbour.connectors.mllp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.harbour.connectors.tls.TestCertificates;
import org.harbour.connectors.tls.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the MLLP listener, with certificates made by the JDK's keytool for this
 * test: the hub's own, and one for a clinic that the hub trusts and one it does not.
 */
class MllpTlsTest {

    private static final char[] PASSWORD = TestCertificates.PASSWORD;

    @TempDir
    static Path dir;

    private final List<String> peers = new CopyOnWriteArrayList<>();
    private MllpServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCertificates.keyPair(dir, "hub", "harbour-hub");
        TestCertificates.keyPair(dir, "clinic", "kwc-clinic");
        TestCertificates.keyPair(dir, "stranger", "stranger");
        TestCertificates.trustStore(dir, "hub");
        TestCertificates.trustStore(dir, "clinic");
    }

    private void startServer(String clientAuth) throws Exception {
        SSLContext tls = TlsContexts.create(dir.resolve("hub.p12"), PASSWORD,
                "none".equals(clientAuth) ? null : dir.resolve("trusts-clinic.p12"), PASSWORD);
        server = new MllpServer(new MllpServerConfig("tls", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), tls, clientAuth, 2), r -> {
                    peers.add(r.tlsPeer());
                    return "ACK".getBytes(StandardCharsets.US_ASCII);
                });
        server.start();
    }

    private MllpClient client(String keyStore) throws Exception {
        SSLContext tls = TlsContexts.create(keyStore == null ? null : dir.resolve(keyStore), PASSWORD,
                dir.resolve("trusts-hub.p12"), PASSWORD);
        return MllpClient.connect("127.0.0.1", server.port(), tls.getSocketFactory(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void tlsListenerServesAClientThatTrustsIt() throws Exception {
        startServer("none");
        try (MllpClient client = client(null)) {
            assertThat(client.send("MSH|1".getBytes(StandardCharsets.US_ASCII))).isEqualTo("ACK".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(peers).containsExactly("");
    }

    @Test
    void aClientSlowToStartItsHandshakeIsStillServed() throws Exception {
        startServer("none");
        SSLContext tls = TlsContexts.create(null, null, dir.resolve("trusts-hub.p12"), PASSWORD);
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
            // a distant clinic: its ClientHello comes well after the listener's 50 ms poll interval
            Thread.sleep(300);
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(raw, "127.0.0.1",
                    server.port(), true);
            ssl.setSoTimeout(10_000);
            ssl.startHandshake();
            ssl.getOutputStream().write(new byte[] {0x0b});
            ssl.getOutputStream().write("MSH|1".getBytes(StandardCharsets.US_ASCII));
            ssl.getOutputStream().write(new byte[] {0x1c, 0x0d});
            ssl.getOutputStream().flush();
            byte[] ack = new byte[6];
            new java.io.DataInputStream(ssl.getInputStream()).readFully(ack);
            assertThat(new String(ack, StandardCharsets.US_ASCII)).isEqualTo("\u000bACK\u001c\r");
        }
    }

    @Test
    void plainTcpClientGetsNothingFromATlsListener() throws Exception {
        startServer("none");
        try (MllpClient plain = MllpClient.connect("127.0.0.1", server.port(), javax.net.SocketFactory.getDefault(),
                Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> plain.send("MSH|1".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(IOException.class);
        }
        assertThat(peers).isEmpty();
    }

    @Test
    void mutualTlsAcceptsATrustedClinicAndRecordsItsCertificate() throws Exception {
        startServer("need");
        try (MllpClient client = client("clinic.p12")) {
            assertThat(client.send("MSH|1".getBytes(StandardCharsets.US_ASCII))).isEqualTo("ACK".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(peers).containsExactly("CN=kwc-clinic");
    }

    @Test
    void mutualTlsRefusesClientsWithoutATrustedCertificate() throws Exception {
        startServer("need");
        for (String keyStore : new String[] {null, "stranger.p12"}) {
            try (MllpClient client = client(keyStore)) {
                assertThatThrownBy(() -> client.send("MSH|1".getBytes(StandardCharsets.US_ASCII)))
                        .isInstanceOf(IOException.class);
            } catch (IOException refusedAtConnect) {
                // the handshake may already fail while connecting
            }
        }
        assertThat(peers).isEmpty();
    }
}
