package org.harbour.routes.api;

import java.sql.Connection;
import javax.sql.DataSource;
import org.harbour.routes.audit.AuditVerifier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail's signed checkpoints for an external witness to fetch while the hub runs
 * (admin scope), one JSON object a line, as {@code audit checkpoints} prints them.
 */
@RestController
@RequestMapping("/api/audit")
public class AuditController {

    private final DataSource db;
    private final org.harbour.routes.audit.AuditTrail audit;

    public AuditController(DataSource db, org.harbour.routes.audit.AuditTrail audit) {
        this.db = db;
        this.audit = audit;
    }

    /** What {@code POST /api/audit/verify} takes: the witness's public key and kept checkpoint lines, both optional. */
    public record VerifyRequest(String publicKey, java.util.List<String> witness) {
    }

    /**
     * Verifies the hash chain and the signed checkpoints as {@code audit verify} does (the command
     * line uses this while the hub holds the embedded database). Checkpoints must be signed with
     * the given public key, else with the hub's own signing key. Admin scope.
     */
    @org.springframework.web.bind.annotation.PostMapping(path = "/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<AuditVerifier.Result> verify(
            @org.springframework.web.bind.annotation.RequestBody(required = false) VerifyRequest request) throws Exception {
        java.security.PublicKey trusted = request != null && request.publicKey() != null
                ? AuditVerifier.publicKey(request.publicKey()) : audit.signer().publicKey();
        try (Connection c = db.getConnection()) {
            return ResponseEntity.ok(request != null && request.witness() != null
                    ? AuditVerifier.verifyWitnessed(c, trusted, request.witness()) : AuditVerifier.verify(c, trusted));
        }
    }

    @GetMapping(path = "/checkpoints", produces = "application/x-ndjson")
    public ResponseEntity<String> checkpoints() throws Exception {
        try (Connection c = db.getConnection()) {
            StringBuilder out = new StringBuilder();
            AuditVerifier.checkpoints(c).forEach(line -> out.append(line).append('\n'));
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(out.toString());
        }
    }
}
