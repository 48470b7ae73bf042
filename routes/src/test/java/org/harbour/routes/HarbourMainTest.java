package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --help} and {@code -h}, on the jar and on every subcommand, print usage and start nothing. */
class HarbourMainTest {

    @Test
    void helpIsFoundWhereverItIsAsked() {
        assertThat(HarbourMain.helpFor(new String[] {"--help"})).isEqualTo(HarbourMain.USAGE);
        assertThat(HarbourMain.helpFor(new String[] {"-h"})).isEqualTo(HarbourMain.USAGE);
        assertThat(HarbourMain.helpFor(new String[] {"help"})).isEqualTo(HarbourMain.USAGE);
        assertThat(HarbourMain.helpFor(new String[] {"help", "send"})).contains("send --host H --port P");
        assertThat(HarbourMain.helpFor(new String[] {"run", "--help"})).contains("starts the hub");
        assertThat(HarbourMain.helpFor(new String[] {"--server.port=9090", "-h"})).contains("starts the hub");
        for (String command : List.of("send", "convert", "audit", "keys")) {
            assertThat(HarbourMain.helpFor(new String[] {command, "--help"})).as(command).startsWith("usage:")
                    .contains(command);
            assertThat(HarbourMain.helpFor(new String[] {command, "x", "-h"})).as(command).contains(command);
        }
        assertThat(HarbourMain.helpFor(new String[] {})).isNull();
        assertThat(HarbourMain.helpFor(new String[] {"convert", "lab.hl7"})).isNull();
    }

    @Test
    void theJarsHelpStartsNoHub() throws Exception {
        // a second hub beside a running one failed on the database lock with a long stack trace
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"send", "-h"}, new String[] {"run", "-h"})) {
            List<String> command = new java.util.ArrayList<>(List.of(
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), HarbourMain.class.getName()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).startsWith("usage:").doesNotContain("Spring", "Tomcat", "Started");
        }
    }
}
