package org.harbour.routes.audit;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.harbour.routes.config.HarbourProperties;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records the hub's start in the audit trail and, when its configuration differs from the last
 * start's, a configuration change naming the sections that changed. Sections are compared by a
 * SHA-256 of their text, in which secrets appear only as "(set)" or "unset", so a changed secret
 * is not visible here and no secret is stored.
 */
public class ConfigurationAudit {

    static final String SETTING = "configuration-fingerprint";

    private final JdbcTemplate jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    public ConfigurationAudit(JdbcTemplate jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** Section name → fingerprint of its value. */
    static Map<String, String> fingerprints(HarbourProperties properties) throws Exception {
        Map<String, String> out = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (RecordComponent component : HarbourProperties.class.getRecordComponents()) {
            Object value = component.getAccessor().invoke(properties);
            out.put(component.getName(), HexFormat.of().formatHex(sha.digest(String.valueOf(value)
                    .getBytes(StandardCharsets.UTF_8))).substring(0, 16));
        }
        return out;
    }

    /** Records the start (and a change, if any); returns the names of the sections that changed. */
    public List<String> started(HarbourProperties properties) throws Exception {
        Map<String, String> now = fingerprints(properties);
        String text = String.join(";", now.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        List<String> previous = jdbc.queryForList("SELECT content FROM hub_setting WHERE setting = ?", String.class, SETTING);
        List<String> changed = new ArrayList<>();
        if (!previous.isEmpty()) {
            Map<String, String> before = new LinkedHashMap<>();
            for (String pair : previous.get(0).split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    before.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            now.forEach((name, print) -> {
                if (!print.equals(before.get(name))) {
                    changed.add(name);
                }
            });
        }
        List<org.hl7.fhir.r4.model.AuditEvent> events = new ArrayList<>();
        events.add(AuditEvents.adminAction("harbour", "start", "Harbour started", true));
        if (!changed.isEmpty()) {
            events.add(AuditEvents.adminAction("harbour", "configuration-change",
                    "configuration changed since the last start: " + String.join(", ", changed), true));
        }
        audit.recordAll(events);
        OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        if (previous.isEmpty()) {
            jdbc.update("INSERT INTO hub_setting (setting, content, updated_at) VALUES (?, ?, ?)", SETTING, text, at);
        } else {
            jdbc.update("UPDATE hub_setting SET content = ?, updated_at = ? WHERE setting = ?", text, at, SETTING);
        }
        return changed;
    }
}
