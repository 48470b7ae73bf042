package org.harbour.routes.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.harbour.routes.audit.AuditEvents;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.config.HarbourProperties;
import org.harbour.routes.disclose.EndpointStatus;
import org.harbour.routes.disclose.Recipients;
import org.harbour.routes.security.Principals;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The configured recipients, for consent tools and operators: id, name, organisation, endpoint
 * type, disclosure level and the endpoint's state. Never the endpoint URL or secret. An operator
 * resumes a misconfigured endpoint once fixed (audited).
 */
@RestController
@RequestMapping("/api/recipients")
public class RecipientController {

    private final Recipients recipients;
    private final EndpointStatus endpoints;
    private final AuditTrail audit;

    public RecipientController(Recipients recipients, EndpointStatus endpoints, AuditTrail audit) {
        this.recipients = recipients;
        this.endpoints = endpoints;
        this.audit = audit;
    }

    /** One recipient as listed. */
    public record Listed(String id, String name, String organization, String endpointType, String disclosure,
            String state, String problem) {
    }

    @GetMapping
    public Map<String, List<Listed>> list() {
        List<Listed> items = new ArrayList<>();
        recipients.all().forEach((id, r) -> items.add(listed(id, r)));
        return Map.of("items", items);
    }

    private Listed listed(String id, HarbourProperties.Recipient r) {
        EndpointStatus.State state = endpoints.state(id);
        return new Listed(id, r.name(), r.organization(), r.endpoint().type(), r.endpoint().disclosure(),
                state.misconfigured() != null ? "misconfigured" : state.heldUntil() != null
                        && state.heldUntil().isAfter(java.time.Instant.now()) ? "held until " + state.heldUntil() : "ok",
                state.misconfigured());
    }

    @PostMapping("/{id}/resume")
    public ResponseEntity<Listed> resume(@PathVariable String id) throws Exception {
        HarbourProperties.Recipient r = recipients.get(id);
        if (r == null) {
            return ResponseEntity.notFound().build();
        }
        endpoints.resume(id);
        audit.record(AuditEvents.adminAction(Principals.describe(SecurityContextHolder.getContext().getAuthentication()),
                "endpoint-resumed", "recipient " + id + " resumed by an operator", true));
        return ResponseEntity.ok(listed(id, r));
    }
}
