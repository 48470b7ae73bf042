package org.harbour.routes.cli;

import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.harbour.mappings.fhir.ConversionReport;
import org.harbour.mappings.fhir.FhirJson;
import org.harbour.mappings.v2out.FhirToV2;
import org.harbour.mappings.v2out.V2Message;
import org.hl7.fhir.r4.model.Bundle;

/**
 * {@code convert --to hl7v2 [--hl7-version 2.5.1|2.3.1] [--charset UTF-8|Big5] FILE.json...}:
 * FHIR R4 Bundles (a JSON Bundle per file, or NDJSON: one Bundle a line) to HL7 v2 on stdout, one
 * message per Bundle (segments ended by CR, a line feed after each message), in the charset asked
 * for with MSH-18 saying so; the report on stderr (every element with no place in the message, and
 * every character the charset cannot hold). MSH-10 is the Bundle's id, else the file and position.
 * Exit 0 when every Bundle converted, 1 when any failed, 2 for usage errors.
 */
final class ConvertToV2 {

    private final PrintStream out;
    private final PrintStream err;
    private final FhirToV2.Settings settings;
    private final Clock clock;

    ConvertToV2(PrintStream out, PrintStream err, ZoneId zone, java.util.Map<String, String> identifierSystems,
            Clock clock) {
        this.out = out;
        this.err = err;
        this.settings = new FhirToV2.Settings("HARBOUR", "HUB", zone, "urn:harbour:id:hkid", identifierSystems, null);
        this.clock = clock;
    }

    int run(List<Path> files, String version, Charset charset) {
        FhirToV2 writer = new FhirToV2(settings);
        IParser json = FhirJson.context().newJsonParser();
        boolean ok = true;
        for (Path file : files) {
            List<String> bundles;
            try {
                bundles = bundles(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println(file + ": cannot read: " + e.getMessage());
                ok = false;
                continue;
            }
            if (bundles.isEmpty()) {
                err.println(file + ": no FHIR Bundle found");
                ok = false;
            }
            for (int n = 1; n <= bundles.size(); n++) {
                String where = file + (bundles.size() == 1 ? "" : " bundle " + n);
                try {
                    Bundle bundle = json.parseResource(Bundle.class, bundles.get(n - 1));
                    String controlId = bundle.hasIdElement() && bundle.getIdElement().hasIdPart()
                            ? bundle.getIdElement().getIdPart() : file.getFileName() + "-" + n;
                    V2Message message = writer.convert(bundle, controlId, version, clock.instant(), charset);
                    byte[] bytes = message.encode(charset);
                    for (ConversionReport.Entry entry : message.report().entries()) {
                        err.println(where + " (" + controlId + "): " + entry);
                    }
                    out.write(bytes, 0, bytes.length);
                    out.write('\n');
                } catch (RuntimeException e) {
                    err.println(where + ": not converted: " + e.getMessage());
                    ok = false;
                }
            }
        }
        out.flush();
        return ok ? 0 : 1;
    }

    /** One JSON Bundle, or NDJSON lines. */
    static List<String> bundles(String text) {
        String trimmed = text.strip();
        List<String> out = new ArrayList<>();
        if (trimmed.isEmpty()) {
            return out;
        }
        if (!trimmed.contains("\n") || trimmed.startsWith("{") && !trimmed.matches("(?s)\\{[^\\n]*}\\s*\\n\\s*\\{.*")) {
            out.add(trimmed);
            return out;
        }
        for (String line : trimmed.split("\\r?\\n")) {
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }
}
