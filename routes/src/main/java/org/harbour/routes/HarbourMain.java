package org.harbour.routes;

import java.util.Arrays;
import org.harbour.routes.cli.AuditCommand;
import org.harbour.routes.cli.ConvertCommand;
import org.harbour.routes.cli.SendCommand;
import org.springframework.boot.SpringApplication;

/**
 * The command line: {@code run} (the default) starts the hub; other subcommands do their job
 * without starting the server.
 */
public final class HarbourMain {

    static final String USAGE = """
            usage: java -jar harbour.jar [run] [--property=value ...]   start the hub
                   java -jar harbour.jar send --host H --port P [--tls] FILE...
                                                                  send HL7 v2 files over MLLP
                   java -jar harbour.jar convert [--out DIR] FILE...
                                                                  translate HL7 v2 files to FHIR R4
                   java -jar harbour.jar convert --to hl7v2 FILE.json...
                                                                  translate FHIR R4 Bundles to HL7 v2
                   java -jar harbour.jar audit verify               check the audit trail's hash chain
                   java -jar harbour.jar keys rotate|list [--data-dir D]
                                                                  rotate the record encryption key
                   java -jar harbour.jar COMMAND --help           a command's own usage""";

    private HarbourMain() {
    }

    /** Each subcommand's usage, printed for {@code --help} or {@code -h} (and nothing started). */
    static final java.util.Map<String, String> HELP = java.util.Map.of(
            "run", """
                    usage: java -jar harbour.jar [run] [--property=value ...]
                      starts the hub: MLLP on harbour.mllp.port (2575), HTTP on server.port (8080), the embedded
                      broker and database under harbour.data-dir (./data) unless configured otherwise; every
                      property is also an environment variable (harbour.mllp.port = HARBOUR_MLLP_PORT)""",
            "send", """
                    usage: java -jar harbour.jar send --host H --port P [--tls] [--trust-store F] [--key-store F] FILE...
                      sends each HL7 v2 message of the files over MLLP; one line per message with its control id and
                      ACK code; exit 1 if any ACK is not AA, 2 for a usage error""",
            "convert", """
                    usage: java -jar harbour.jar convert [--out DIR] [--timezone ZONE] FILE...
                           java -jar harbour.jar convert --to hl7v2 [--hl7-version 2.5.1|2.3.1] [--charset UTF-8|Big5] FILE.json...
                      translates HL7 v2 files (batches too) to FHIR R4 Bundles: NDJSON on stdout, or one file per
                      message in DIR; with --to hl7v2, FHIR Bundles (JSON or NDJSON) to HL7 v2 on stdout, one message
                      per Bundle; the conversion report on stderr; exit 1 if any message failed""",
            "audit", """
                    usage: java -jar harbour.jar audit verify [--public-key BASE64] [--witness FILE]
                           java -jar harbour.jar audit checkpoints
                      checks the audit trail's hash chain and signed checkpoints in the hub's database, read from
                      the hub's configuration (config/application.yaml, HARBOUR_* variables); while the hub runs on
                      the embedded database, the running hub makes the check (with its API token)""",
            "keys", org.harbour.routes.cli.KeysCommand.usageText());

    /**
     * The usage to print when help is asked for ({@code -h}, {@code --help} or {@code help} first,
     * or {@code -h}/{@code --help} anywhere after the subcommand), else null.
     */
    static String helpFor(String[] args) {
        if (args.length == 0) {
            return null;
        }
        if (args[0].equals("help") || args[0].equals("-h") || args[0].equals("--help")) {
            String topic = args.length > 1 ? HELP.get(args[1]) : null;
            return topic != null ? topic : USAGE;
        }
        boolean asked = Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
        if (!asked) {
            return null;
        }
        String command = args[0].startsWith("--") ? "run" : args[0];
        return HELP.getOrDefault(command, USAGE);
    }

    public static void main(String[] args) {
        String help = helpFor(args);
        if (help != null) {
            System.out.println(help);
            return;
        }
        String command = args.length == 0 || args[0].startsWith("--") ? "run" : args[0];
        String[] rest = args.length > 0 && !args[0].startsWith("--") ? Arrays.copyOfRange(args, 1, args.length) : args;
        if (!command.equals("run")) {
            // before anything logs: the tools' stdout is their output, logs go to stderr
            System.setProperty("logback.configurationFile", "logback-cli.xml");
        }
        switch (command) {
            case "run" -> run(rest);
            case "send" -> System.exit(new SendCommand(System.out, System.err).run(rest));
            case "convert" -> System.exit(new ConvertCommand(System.out, System.err).run(rest));
            case "audit" -> System.exit(new AuditCommand(System.out, System.err).run(rest));
            case "keys" -> System.exit(new org.harbour.routes.cli.KeysCommand(System.out, System.err).run(rest));
            default -> {
                System.err.println("unknown command '" + command + "'\n" + USAGE);
                System.exit(2);
            }
        }
    }

    /** Starts the hub; a start that fails exits non-zero (a configuration failure said in one line). */
    public static void run(String[] args) {
        try {
            SpringApplication.run(HarbourApplication.class, args);
        } catch (RuntimeException e) {
            System.exit(1);
        }
    }
}
