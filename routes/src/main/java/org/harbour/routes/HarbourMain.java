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
                   java -jar harbour.jar audit verify [--data-dir D]  check the audit trail's hash chain
                   java -jar harbour.jar keys rotate|list [--data-dir D]
                                                                  rotate the record encryption key""";

    private HarbourMain() {
    }

    public static void main(String[] args) {
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
            case "help", "-h" -> System.out.println(USAGE);
            default -> {
                System.err.println("unknown command '" + command + "'\n" + USAGE);
                System.exit(2);
            }
        }
    }

    /** Starts the hub. */
    public static void run(String[] args) {
        SpringApplication.run(HarbourApplication.class, args);
    }
}
