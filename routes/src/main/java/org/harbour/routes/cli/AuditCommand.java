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
 * {@code audit verify [--public-key K] [--witness FILE]}: checks the audit trail's hash chain and
 * signed checkpoints and names the first broken entry. {@code audit checkpoints}: prints the
 * signed checkpoints, one JSON object a line, for an external witness to keep; the witness later
 * verifies with {@code --public-key K} (its copy of the public key, base64 X.509) and
 * {@code --witness FILE} (its kept lines), which also catches a trail rebuilt since.
 *
 * <p>Reads the hub's own configuration ({@link HubSettings}: {@code config/application.yaml},
 * {@code HARBOUR_*} and {@code SPRING_DATASOURCE_*} variables) and opens the database the hub
 * uses. While the hub runs on the embedded database (H2 is single-process) the check is made by
 * the running hub instead ({@code POST /api/audit/verify} with the API token), with the same
 * result and exit code. Without {@code --public-key}, checkpoints must be signed with the hub's
 * signing key ({@code harbour.audit.signing-key}, its file, or the generated one in the data
 * directory). Exit 0 only when intact; 1 broken or unreadable; 2 usage.
 */
public final class AuditCommand {

    private final PrintStream out;
    private final PrintStream err;
    private final HubSettings settings;

    public AuditCommand(PrintStream out, PrintStream err) {
        this(out, err, HubSettings.ofThisProcess());
    }

    public AuditCommand(PrintStream out, PrintStream err, HubSettings settings) {
        this.out = out;
        this.err = err;
        this.settings = settings;
    }

    public int run(String[] args) {
        if (args.length == 0 || !(args[0].equals("verify") || args[0].equals("checkpoints"))) {
            return usage("audit commands are verify and checkpoints");
        }
        String publicKey = null;
        Path witness = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--public-key") && i + 1 < args.length) {
                publicKey = args[++i];
            } else if (args[i].equals("--witness") && i + 1 < args.length) {
                witness = Path.of(args[++i]);
            } else {
                return usage("unknown option " + args[i]);
            }
        }
        try (Connection db = DriverManager.getConnection(settings.databaseUrl(), settings.databaseUser(),
                settings.databasePassword())) {
            if (args[0].equals("checkpoints")) {
                AuditVerifier.checkpoints(db).forEach(out::println);
                return 0;
            }
            PublicKey trusted = publicKey != null ? AuditVerifier.publicKey(publicKey) : trustedKey();
            AuditVerifier.Result result = witness == null ? AuditVerifier.verify(db, trusted)
                    : AuditVerifier.verifyWitnessed(db, trusted, Files.readAllLines(witness));
            return report(result);
        } catch (java.sql.SQLException e) {
            if (heldByTheHub(e)) {
                return new HubAudit(settings, out, err).run(args[0], publicKey, witness);
            }
            err.println("cannot check the audit trail: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("cannot check the audit trail: " + e.getMessage());
            return 1;
        }
    }

    int report(AuditVerifier.Result result) {
        (result.intact() ? out : err).println(result.describe());
        return result.intact() ? 0 : 1;
    }

    /** H2's "database may be already in use": the running hub holds the embedded database. */
    private static boolean heldByTheHub(java.sql.SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    private PublicKey trustedKey() throws java.io.IOException {
        String seed = settings.get("harbour.audit.signing-key").orElse(null);
        Path file = settings.get("harbour.audit.signing-key-file").map(Path::of)
                .orElse(settings.dataDir().resolve("audit-signing-key"));
        if (seed == null && Files.isReadable(file)) {
            seed = Files.readString(file);
        }
        return seed == null || seed.isBlank() ? null : AuditSigner.fromBase64(seed.trim()).publicKey();
    }

    private int usage(String problem) {
        err.println(problem);
        err.println("usage: java -jar harbour.jar audit verify [--public-key BASE64] [--witness FILE]");
        err.println("       java -jar harbour.jar audit checkpoints");
        err.println("reads the hub's configuration (config/application.yaml, HARBOUR_* variables); while the hub runs"
                + " on the embedded database the running hub makes the check (its API token)");
        return 2;
    }
}
