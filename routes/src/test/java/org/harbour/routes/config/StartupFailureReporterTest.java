package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A start that fails on its configuration says so in one line: the property, its variable, what is wrong. */
class StartupFailureReporterTest {

    @Test
    void aBadValueIsNamedWithItsEnvironmentVariable() {
        BindException bad = org.assertj.core.api.Assertions.catchThrowableOfType(() ->
                new Binder(new MapConfigurationPropertySource(Map.of("harbour.mllp.max-connections-per-address", "many")))
                        .bind("harbour.mllp.max-connections-per-address", Integer.class), BindException.class);
        assertThat(StartupFailureReporter.describe(new IllegalStateException("context failed", bad)))
                .startsWith("property harbour.mllp.max-connections-per-address (HARBOUR_MLLP_MAXCONNECTIONSPERADDRESS):")
                .contains("not valid");
        assertThat(StartupFailureReporter.describe(new RuntimeException("something else"))).isNull();
    }

    @Test
    void aHubThatCannotStartEndsInOneLineAndANonZeroExit() throws Exception {
        Path data = Files.createTempDirectory("harbour-bad-start-");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.harbour.routes.HarbourMain",
                "--harbour.data-dir=" + data, "--server.port=0", "--harbour.mllp.port=0",
                "--harbour.stages.redelivery.maximum-attempts=several");
        Process process = new ProcessBuilder(command).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(err.lines().filter(l -> l.startsWith("harbour: cannot start:")).toList()).singleElement()
                .satisfies(line -> assertThat(line).contains("harbour.stages.redelivery.maximum-attempts",
                        "HARBOUR_STAGES_REDELIVERY_MAXIMUMATTEMPTS"));
        // no stack trace, on either stream
        assertThat(err + out).doesNotContain("\tat org.springframework", "APPLICATION FAILED TO START");
    }
}
