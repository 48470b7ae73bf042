package org.harbour.routes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harbour.routes.Hl7Samples;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harbour.jar convert}: HL7 v2 files to FHIR Bundles, without the hub. */
class ConvertCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int convert(String... args) {
        return new ConvertCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void everyMessageOfABatchFileBecomesOneNdjsonLine() throws Exception {
        Path file = dir.resolve("batch.hl7");
        Files.writeString(file, "FHS|^~\\&|MEDILINK|KWC|||20261122||BATCH-77\rBHS|^~\\&|MEDILINK|KWC\r"
                + Hl7Samples.oru("KWC", "B-1", "") + Hl7Samples.adt("KWC", "B-2") + "BTS|2\rFTS|1\r");
        int exit = convert(file.toString());
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // the batch envelope is in no message's Bundle: the report names it, its fields with it
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FHS: batch envelope").contains("BATCH-77")
                .contains("BTS: batch envelope").contains("FTS: batch envelope");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        Bundle first = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, lines.get(0));
        assertThat(first.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(first.getEntry()).anySatisfy(e -> assertThat(e.getResource()).isInstanceOf(Patient.class));
    }

    @Test
    void timestampsAreReadInTheZonesTheHubsConfigurationGivesEachSender() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/application.yaml"), """
                harbour:
                  translation:
                    timezones:
                      VAN: America/Vancouver
                """);
        HubSettings settings = HubSettings.load(dir, java.util.Map.of());
        Path file = dir.resolve("no-offsets.hl7");
        // no offset in MSH-7 or OBX-14: read in the sender's zone (Vancouver, -08:00 in November), not Hong Kong's
        Files.writeString(file, Hl7Samples.oru("VAN", "TZ-1", "").replace("+0800", ""));
        int exit = new ConvertCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), settings).run(new String[] {file.toString()});
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2026-11-22T08:30:00-08:00")
                .doesNotContain("2026-11-22T08:30:00+08:00");
    }

    @Test
    void fhirBundlesBecomeHl7v2OnStdoutInTheCharsetAskedFor() throws Exception {
        Path v2 = dir.resolve("lab.hl7");
        Files.writeString(v2, Hl7Samples.oru("KWC", "TOV2-1", "UNICODE UTF-8"));
        assertThat(convert("--out", dir.resolve("fhir").toString(), v2.toString())).isZero();
        Path bundle = dir.resolve("fhir/lab.json");
        // twice in one NDJSON file: two messages
        String json = Files.readString(bundle).strip();
        Path ndjson = dir.resolve("two.ndjson");
        Files.writeString(ndjson, json + "\n" + json + "\n");
        out.reset();
        err.reset();
        int exit = convert("--to", "hl7v2", "--charset", "Big5", ndjson.toString());
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String written = new String(out.toByteArray(), java.nio.charset.Charset.forName("Big5-HKSCS"));
        assertThat(written.split("\n")).hasSize(2).allSatisfy(m -> assertThat(m)
                .startsWith("MSH|^~\\&|HARBOUR|HUB|").contains("|ORU^R01^ORU_R01|", "|2.5.1|", "|BIG-5")
                .contains("PID|1||KWC-000123^^^KWC^MR~A123456(3)^^^HKID^NNHKG||陳^大文", "OBX|1|NM|4548-4^"));
        // HAPI's strict parser takes what was written
        new ca.uhn.hl7v2.DefaultHapiContext().getPipeParser().parse(written.split("\n")[0]);

        out.reset();
        assertThat(convert("--to", "hl7v2", "--hl7-version", "2.3.1", bundle.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("|2.3.1|");
        assertThat(convert("--to", "hl7v2", "--hl7-version", "2.9", bundle.toString())).isEqualTo(2);
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"resourceType\":\"Bundle\",");
        assertThat(convert("--to", "hl7v2", broken.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.json: not converted");
    }

    @Test
    void withOutOneFilePerMessageIsWritten() throws Exception {
        Path file = dir.resolve("two.hl7");
        Files.writeString(file, Hl7Samples.oru("KWC", "O-1", "") + Hl7Samples.adt("KWC", "O-2"));
        Path target = dir.resolve("fhir");
        assertThat(convert("--out", target.toString(), file.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(target.resolve("two-1.json")).content().startsWith("{\"resourceType\":\"Bundle\"");
        assertThat(target.resolve("two-2.json")).exists();
    }

    @Test
    void aFailedInputNamesFileMessageAndReasonAndExitsOne() throws Exception {
        Path good = dir.resolve("good.hl7");
        Files.writeString(good, Hl7Samples.adt("KWC", "G-1"));
        Path empty = dir.resolve("empty.hl7");
        Files.writeString(empty, "not HL7 at all\n");
        int exit = convert(good.toString(), empty.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(empty.toString()).contains("no HL7 v2 message found");
    }

    @Test
    void theReportGoesToStderr() throws Exception {
        Path file = dir.resolve("z.hl7");
        Files.writeString(file, Hl7Samples.adt("KWC", "Z-1") + "ZHK|1|local data\r");
        assertThat(convert(file.toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Z-1").contains("Z-segment kept").contains("ZHK|1|local data");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(convert()).isEqualTo(2);
        assertThat(convert("--bogus", "x")).isEqualTo(2);
        assertThat(convert("--out")).isEqualTo(2);
    }
}
