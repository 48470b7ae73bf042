package org.harbour.routes.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a browser test script of {@code src/test/browser/} (Node.js with playwright-core driving
 * Debian's Chromium, both installed by {@code .ci/run}). Without them the test is skipped with one
 * line saying what is missing; in CI ({@code CI=true}) it fails instead.
 */
public final class BrowserScripts {

    static final Path FOLDER = Path.of("src/test/browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private BrowserScripts() {
    }

    /** Skips (or, in CI, fails) when Node.js, playwright-core or Chromium is missing. */
    public static void requireBrowser() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("Chromium at " + CHROMIUM + " (apt-get install chromium)");
        }
        if (!Files.isDirectory(FOLDER.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core in " + FOLDER + " (npm ci --prefix routes/src/test/browser)");
        }
        if (!onPath("node")) {
            missing.add("Node.js (node on the PATH)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String line = "browser tests need " + String.join(", ", missing) + "; .ci/run installs them";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(line);
        }
        Assumptions.abort(line + " (skipped outside CI)");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs the script with these environment variables; fails with its output unless it exits 0. */
    public static String run(String script, Map<String, String> environment) throws IOException, InterruptedException {
        Path output = Files.createTempFile("harbour-browser-", ".log");
        ProcessBuilder builder = new ProcessBuilder("node", script).directory(FOLDER.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("HARBOUR_SCREENSHOTS", Path.of("target/browser-screenshots").toAbsolutePath().toString());
        Process process = builder.start();
        boolean ended = process.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        assertThat(ended).as("%s ended within 4 minutes; it printed:%n%s", script, printed).isTrue();
        assertThat(process.exitValue()).as("%s in Chromium; it printed:%n%s", script, printed).isZero();
        return printed;
    }
}
