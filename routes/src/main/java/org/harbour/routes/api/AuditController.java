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

    public AuditController(DataSource db) {
        this.db = db;
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
