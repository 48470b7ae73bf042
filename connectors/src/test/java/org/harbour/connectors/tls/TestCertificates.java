package org.harbour.connectors.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for TLS tests, made with the JDK's keytool into PKCS#12 files: a key pair per
 * name (EC P-256, valid two days, SAN 127.0.0.1), and trust stores holding chosen certificates.
 */
public final class TestCertificates {

    public static final char[] PASSWORD = "changeit-test".toCharArray();

    private TestCertificates() {
    }

    /** Makes {@code <name>.p12} (key pair) and {@code <name>.crt} in {@code dir}. */
    public static Path keyPair(Path dir, String name, String commonName) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + commonName,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString());
        keytool("-exportcert", "-alias", name, "-keystore", store.toString(), "-file",
                dir.resolve(name + ".crt").toString());
        return store;
    }

    /** Makes {@code trusts-<name>.p12} holding the certificate {@code <name>.crt}. */
    public static Path trustStore(Path dir, String name) throws Exception {
        Path store = dir.resolve("trusts-" + name + ".p12");
        keytool("-importcert", "-noprompt", "-alias", name, "-file", dir.resolve(name + ".crt").toString(),
                "-keystore", store.toString());
        return store;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", new String(PASSWORD)));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }
}
