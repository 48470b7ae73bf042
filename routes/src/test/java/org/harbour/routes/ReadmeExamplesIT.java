package org.harbour.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the README's "Try it" section, run as written against a hub started from the
 * built jar: the hub line starts the hub (with its arguments), every other line runs in one
 * shell, in order, in a working directory laid out like the checkout (samples/, ./harbour), and
 * must succeed (curl with --fail: an HTTP error fails the line). Only the ports differ, so the
 * test never takes 8080 or 2575 from a hub already running: the hub and the commands get
 * SERVER_PORT, HARBOUR_MLLP_PORT and HARBOUR_PUBLIC_BASE_URL, as the README says to set them.
 */
class ReadmeExamplesIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern HUB_START = Pattern.compile("^\\./harbour((?: --\\S+)*)\\s*(#.*)?$");

    @TempDir
    Path work;

    private Process hub;

    @AfterEach
    void stopHub() throws InterruptedException {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(60, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    /** The shell lines of the README's "Try it" section, continuation lines joined. */
    static List<String> tryItCommands(String readme) {
        int from = readme.indexOf("\n## Try it");
        assertThat(from).as("the README has a \"Try it\" section").isPositive();
        int to = readme.indexOf("\n## ", from + 1);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        List<String> commands = new ArrayList<>();
        Matcher blocks = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (blocks.find()) {
            for (String line : blocks.group(1).replace("\\\n", " ").split("\n")) {
                if (!line.isBlank() && !line.trim().startsWith("#")) {
                    commands.add(line.trim());
                }
            }
        }
        return commands;
    }

    @Test
    void everyTryItCommandRunsAsWritten() throws Exception {
        List<String> commands = tryItCommands(Files.readString(REPOSITORY.resolve("README.md"), StandardCharsets.UTF_8));
        assertThat(commands).hasSizeGreaterThan(10);
        int httpPort = freePort();
        int mllpPort = freePort();
        Map<String, String> environment = Map.of("SERVER_PORT", String.valueOf(httpPort),
                "HARBOUR_MLLP_PORT", String.valueOf(mllpPort),
                "HARBOUR_PUBLIC_BASE_URL", "http://localhost:" + httpPort);
        Path jar = Path.of(System.getProperty("harbour.it.jar", "target/harbour.jar")).toAbsolutePath();
        // the checkout's layout: its samples, and ./harbour as the jar (the launcher would build and cd)
        Files.createSymbolicLink(work.resolve("samples"), REPOSITORY.resolve("samples"));
        Path launcher = work.resolve("harbour");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec java -jar '" + jar + "' \"$@\"\n");
        launcher.toFile().setExecutable(true);

        Matcher start = HUB_START.matcher(commands.get(0));
        assertThat(start.matches()).as("the section starts the hub first: %s", commands.get(0)).isTrue();
        List<String> hubCommand = new ArrayList<>(List.of("java", "-Xmx768m", "-jar", jar.toString()));
        for (String argument : start.group(1).trim().split(" ")) {
            if (!argument.isBlank()) {
                hubCommand.add(argument);
            }
        }
        ProcessBuilder hubProcess = new ProcessBuilder(hubCommand).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("hub.log").toFile());
        hubProcess.environment().putAll(environment);
        hub = hubProcess.start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(hub.isAlive()).as("the hub started; its log:%n%s", log()).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });

        // a person reads the answer before typing on; the script waits instead until what was sent is stored
        StringBuilder script = new StringBuilder("set -euo pipefail\n"
                + "curl() { command curl --fail-with-body --max-time 60 \"$@\"; }\n"
                + "await_stored() { for _ in $(seq 1 600); do\n"
                + "  n=$(command curl -sS -H \"Authorization: Bearer $(cat data/api-token)\" "
                + "'http://127.0.0.1:" + httpPort + "/api/messages?size=500' | { grep -o '\"stage\":\"\\(STORED\\|DELIVERED\\)\"' || true; } | wc -l)\n"
                + "  [ \"$n\" -ge \"$1\" ] && return 0; sleep 0.1; done; echo \"not stored: $1 messages\" >&2; return 1; }\n");
        int sent = 0;
        for (String command : commands.subList(1, commands.size())) {
            assertThat(HUB_START.matcher(command).matches() && !command.matches(".*\\s(--help|-h)\\b.*"))
                    .as("only the first line starts a hub: %s", command).isFalse();
            String local = command.replace("localhost:8080", "localhost:" + httpPort)
                    .replace("--port 2575", "--port " + mllpPort);
            script.append("printf '%s\\n' ").append(shellQuoted("$ " + command)).append('\n').append(local).append('\n');
            if (command.startsWith("./harbour send ")) {
                sent += (int) java.util.Arrays.stream(command.split("\\s+")).filter(a -> a.endsWith(".hl7")).count();
                script.append("await_stored ").append(sent).append('\n');
            }
        }
        Path file = work.resolve("try-it.sh");
        Files.writeString(file, script);
        ProcessBuilder shell = new ProcessBuilder("bash", file.toString()).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("try-it.log").toFile());
        shell.environment().putAll(environment);
        Process run = shell.start();
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the commands ended within 5 minutes").isTrue();
        // read leniently: a command may print another charset (convert --to hl7v2 --charset Big5)
        String printed = new String(Files.readAllBytes(work.resolve("try-it.log")), StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as("every README command succeeds; they printed:%n%s%nthe hub's log:%n%s", printed,
                log()).isZero();
        // what the commands were meant to show, shown
        assertThat(printed).contains("QEH-LAB-5001 AA", "\"resourceType\":\"Bundle\"", "audit trail intact",
                "|ADT^A01^ADT_A01|", "|BIG-5",
                "\"resourceType\":\"Consent\"", "\"recipient\":\"drchan\"", "# message ");
        assertThat(work.resolve("fhir")).isDirectoryContaining(p -> p.toString().endsWith(".json"));
        assertThat(hub.isAlive()).as("the hub still runs").isTrue();
    }

    private String log() throws IOException {
        Path log = work.resolve("hub.log");
        if (!Files.exists(log)) {
            return "";
        }
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        return text.length() > 8_000 ? text.substring(text.length() - 8_000) : text;
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
