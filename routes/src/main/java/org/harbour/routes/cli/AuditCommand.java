package org.harbour.routes.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import org.harbour.routes.audit.AuditSigner;
import org.harbour.routes.audit.AuditVerifier;

/**
 * {@code audit verify [--data-dir D] [--public-key K]}: checks the audit trail's hash chain and
 * signed checkpoints without starting the hub, and names the first broken entry.
 * {@code audit checkpoints [--data-dir D]}: prints the signed checkpoints, one JSON object a
 * line, for an external witness to keep; the witness later verifies with {@code --public-key K}
 * and {@code --witness FILE} (its kept lines), which also catches a trail rebuilt since. The database is the embedded one
 * under the data directory (stop the hub first: H2 allows one process), or HARBOUR_DATABASE_URL /
 * HARBOUR_DATABASE_USER / HARBOUR_DATABASE_PASSWORD. Checkpoints must be signed with the key from
 * HARBOUR_AUDIT_SIGNING_KEY or {@code <data-dir>/audit-signing-key}, or with the witness's copy
 * of the public key (base64 X.509) given as {@code --public-key}. Exit 0 only when intact.
 */
public final class AuditCommand {

    private final PrintStream out;
    private final PrintStream err;

    public AuditCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(String[] args) {
        if (args.length == 0 || !(args[0].equals("verify") || args[0].equals("checkpoints"))) {
            return usage("audit commands are verify and checkpoints");
        }
        Path dataDir = Path.of(System.getenv().getOrDefault("HARBOUR_DATA_DIR", "./data"));
        String publicKey = null;
        Path witness = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else if (args[i].equals("--public-key") && i + 1 < args.length) {
                publicKey = args[++i];
            } else if (args[i].equals("--witness") && i + 1 < args.length) {
                witness = Path.of(args[++i]);
            } else {
                return usage("unknown option " + args[i]);
            }
        }
        String url = System.getenv().getOrDefault("HARBOUR_DATABASE_URL", "jdbc:h2:file:" + dataDir.resolve("db/harbour")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;IFEXISTS=TRUE");
        try (Connection db = DriverManager.getConnection(url, System.getenv().getOrDefault("HARBOUR_DATABASE_USER",
                "harbour"), System.getenv().getOrDefault("HARBOUR_DATABASE_PASSWORD", ""))) {
            if (args[0].equals("checkpoints")) {
                AuditVerifier.checkpoints(db).forEach(out::println);
                return 0;
            }
            PublicKey trusted = publicKey != null ? AuditVerifier.publicKey(publicKey) : trustedKey(dataDir);
            AuditVerifier.Result result = witness == null ? AuditVerifier.verify(db, trusted)
                    : AuditVerifier.verifyWitnessed(db, trusted, Files.readAllLines(witness));
            (result.intact() ? out : err).println(result.describe());
            return result.intact() ? 0 : 1;
        } catch (Exception e) {
            err.println("cannot check the audit trail: " + e.getMessage());
            return 1;
        }
    }

    private static PublicKey trustedKey(Path dataDir) throws java.io.IOException {
        String seed = System.getenv("HARBOUR_AUDIT_SIGNING_KEY");
        Path file = dataDir.resolve("audit-signing-key");
        if ((seed == null || seed.isBlank()) && Files.isReadable(file)) {
            seed = Files.readString(file);
        }
        return seed == null || seed.isBlank() ? null : AuditSigner.fromBase64(seed).publicKey();
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar harbour.jar audit verify [--data-dir D] [--public-key BASE64] [--witness FILE]");
        err.println("       java -jar harbour.jar audit checkpoints [--data-dir D]");
        return 2;
    }
}
