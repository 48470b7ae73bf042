package org.harbour.routes.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.harbour.routes.records.Keyring;

/**
 * {@code keys rotate [--data-dir D]}: adds a new random record encryption key to the keyring
 * and makes it current; {@code keys list [--data-dir D]}: names the keys (numbers only), the
 * current one and those retired. Neither starts the hub nor prints key material. A running hub
 * picks a rotation up within {@code harbour.records.key-check-interval} (30 s), seals new data
 * with the new key and re-seals what is stored in the background; the older keys stay in the
 * ring (retired once nothing stored uses them), so backups and queued messages stay readable.
 * The keyring file is {@code HARBOUR_RECORDS_KEYRING_FILE} or {@code <data-dir>/keyring}.
 */
public final class KeysCommand {


    private final PrintStream out;
    private final PrintStream err;

    public KeysCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(usageText());
            return 0;
        }
        if (args.length == 0 || !(args[0].equals("rotate") || args[0].equals("list"))) {
            return usage("keys commands are rotate and list");
        }
        // the hub's data directory as the hub's configuration names it (config/application.yaml, HARBOUR_DATA_DIR)
        Path dataDir = HubSettings.ofThisProcess().dataDir();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println(usageText());
                return 0;
            } else {
                return usage("unknown option " + args[i]);
            }
        }
        Path file = HubSettings.ofThisProcess().get("harbour.records.keyring-file").map(Path::of)
                .orElse(dataDir.resolve("keyring"));
        try {
            if (args[0].equals("rotate")) {
                int id = Keyring.rotate(file);
                out.println("key " + id + " is now the current record encryption key (keyring " + file + ");"
                        + " a running hub seals with it within 30 s and re-seals stored data in the background");
                return 0;
            }
            Keyring ring = Keyring.inFile(file);
            out.println("keys " + ring.keys().keySet() + ", current " + ring.current() + ", retired "
                    + ring.retired().keySet() + " (keyring " + file + ")");
            return 0;
        } catch (RuntimeException e) {
            err.println("cannot " + args[0] + " the keyring: " + e.getMessage());
            return 1;
        }
    }

    /** The usage of {@code keys} (also what {@code harbour.jar keys --help} prints). */
    public static String usageText() {
        return "usage: java -jar harbour.jar keys rotate [--data-dir D]   add a new record key and make it current\n"
                + "       java -jar harbour.jar keys list [--data-dir D]     the keys by number (never their material)";
    }

    private int usage(String problem) {
        err.println(problem);
        err.println(usageText());
        return 2;
    }
}
