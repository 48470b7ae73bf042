package org.harbour.routes.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.harbour.mappings.fhir.Conversion;
import org.harbour.mappings.fhir.ConversionReport;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.hl7.Hl7Batch;

/**
 * {@code convert [--out DIR] [--timezone ZONE] FILE...}: translates HL7 v2 files (one or many
 * messages each, batch files included) to FHIR R4 Bundles without starting the hub. Bundles go
 * to stdout as NDJSON (one per line), or one file per message into DIR; the conversion report
 * goes to stderr. The translation is configured as the hub's ({@link HubSettings}: the time zone,
 * the senders' time zones {@code harbour.translation.timezones}, identifier systems and the
 * code-table overrides of {@code harbour.translation.code-overrides}, default {@code config/codes/});
 * {@code --timezone} overrides {@code harbour.timezone}.
 * Exit 0 when every message converted, 1 when any failed (the error names file, message and
 * reason), 2 for usage errors.
 */
public final class ConvertCommand {

    private final PrintStream out;
    private final PrintStream err;
    private final HubSettings settings;

    public ConvertCommand(PrintStream out, PrintStream err) {
        this(out, err, HubSettings.ofThisProcess());
    }

    public ConvertCommand(PrintStream out, PrintStream err, HubSettings settings) {
        this.out = out;
        this.err = err;
        this.settings = settings;
    }

    public int run(String[] args) {
        Path outDir = null;
        ZoneId zone;
        org.harbour.routes.config.HarbourProperties.Translation translation;
        try {
            zone = ZoneId.of(settings.get("harbour.timezone", "Asia/Hong_Kong"));
            translation = settings.bind("harbour.translation", org.harbour.routes.config.HarbourProperties.Translation.class);
        } catch (RuntimeException e) {
            err.println("the hub's configuration cannot be read: " + e.getMessage());
            return 2;
        }
        List<Path> files = new ArrayList<>();
        String to = "fhir";
        String version = "2.5.1";
        java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.UTF_8;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> outDir = Path.of(args[++i]);
                    case "--timezone" -> zone = ZoneId.of(args[++i]);
                    case "--to" -> to = args[++i].toLowerCase(java.util.Locale.ROOT);
                    case "--hl7-version" -> version = args[++i];
                    case "--charset" -> charset = args[++i].equalsIgnoreCase("big5")
                            ? java.nio.charset.Charset.forName("Big5-HKSCS") : java.nio.charset.Charset.forName(args[i]);
                    default -> {
                        if (args[i].startsWith("--")) {
                            return usage("unknown option " + args[i]);
                        }
                        files.add(Path.of(args[i]));
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return usage("an option is missing its value");
        } catch (DateTimeException e) {
            return usage("unknown time zone: " + e.getMessage());
        } catch (java.nio.charset.UnsupportedCharsetException | java.nio.charset.IllegalCharsetNameException e) {
            return usage("unknown charset: " + e.getMessage());
        }
        if (files.isEmpty()) {
            return usage("at least one FILE is required");
        }
        if (to.equals("hl7v2")) {
            if (!version.equals("2.5.1") && !version.equals("2.3.1")) {
                return usage("--hl7-version is 2.5.1 or 2.3.1");
            }
            return new ConvertToV2(out, err, zone, translation.identifierSystems(), java.time.Clock.systemUTC())
                    .run(files, version, charset);
        }
        if (!to.equals("fhir")) {
            return usage("--to is fhir (HL7 v2 in) or hl7v2 (FHIR Bundles in)");
        }
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                err.println("cannot create " + outDir + ": " + e.getMessage());
                return 2;
            }
        }
        V2ToFhir translator = org.harbour.routes.config.HubConfiguration.translator(zone, translation);
        IParser json = org.harbour.mappings.fhir.FhirJson.context().newJsonParser();
        boolean allConverted = true;
        for (Path file : files) {
            allConverted &= convertFile(file, outDir, translator, json);
        }
        return allConverted ? 0 : 1;
    }

    private boolean convertFile(Path file, Path outDir, V2ToFhir translator, IParser json) {
        List<byte[]> messages;
        try {
            byte[] bytes = Files.readAllBytes(file);
            messages = Hl7Batch.split(bytes);
            // the batch's own headers and trailers belong to no message: reported with the file
            for (String segment : Hl7Batch.envelope(bytes)) {
                err.println(file + ": INFO " + segment.substring(0, 3) + ": batch envelope, in no message's Bundle: "
                        + new String(segment.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                                java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return false;
        }
        if (messages.isEmpty()) {
            err.println(file + ": no HL7 v2 message found");
            return false;
        }
        boolean ok = true;
        String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        for (int n = 1; n <= messages.size(); n++) {
            String where = file + " message " + n;
            try {
                Conversion conversion = translator.convert(messages.get(n - 1));
                for (ConversionReport.Entry entry : conversion.report().entries()) {
                    err.println(where + " (" + conversion.controlId() + "): " + entry);
                }
                String bundle = json.encodeResourceToString(conversion.bundle());
                if (outDir == null) {
                    out.println(bundle);
                } else {
                    String name = messages.size() == 1 ? base + ".json" : base + "-" + n + ".json";
                    Files.writeString(outDir.resolve(name), bundle + "\n");
                }
            } catch (IOException e) {
                err.println(where + ": cannot write: " + e.getMessage());
                ok = false;
            } catch (RuntimeException e) {
                err.println(where + ": not converted: " + e.getMessage());
                ok = false;
            }
        }
        out.flush();
        return ok;
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar harbour.jar convert [--out DIR] [--timezone ZONE] FILE...");
        err.println("       java -jar harbour.jar convert --to hl7v2 [--hl7-version 2.5.1|2.3.1] [--charset UTF-8|Big5]"
                + " FILE.json...");
        return 2;
    }
}
