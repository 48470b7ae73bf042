package org.harbour.routes.records;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Identity: each Patient of a message resolves to one hub Patient. Identifiers link: first those
 * of the configured systems (a valid HKID, the eHR number), then institution identifiers (MRNs,
 * each qualified by its system, so two hospitals' numbers never meet). An HKID that failed its
 * check digit is never used. Merges (A40: prior replaced by survivor) move the prior's
 * identifiers and records to the survivor; identifier moves (A45/A47) move the identifiers.
 * Identifiers are kept as keyed hashes only.
 */
public class PatientLinks {

    private final JdbcTemplate jdbc;
    private final RecordCipher cipher;
    private final List<String> linkSystems;
    private final Clock clock;

    public PatientLinks(JdbcTemplate jdbc, RecordCipher cipher, List<String> linkSystems, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.linkSystems = linkSystems;
        this.clock = clock;
    }

    /** The hub Patient id of each of a message's patients; applies merges and moves. */
    Map<Patient, String> link(List<Patient> patients, Map<String, String> targets) {
        Map<Patient, String> hub = new LinkedHashMap<>();
        List<Patient> priors = new ArrayList<>();
        for (Patient p : patients) {
            if (p.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY
                    || l.getType() == Patient.LinkType.SEEALSO)) {
                priors.add(p);
                continue;
            }
            List<String> keys = keys(p);
            String id = hubId(keys, p);
            keys.forEach(k -> claim(k, id));
            hub.put(p, id);
        }
        for (Patient prior : priors) {
            Patient.PatientLinkComponent link = prior.getLink().stream().filter(l -> l.getType() == Patient.LinkType.REPLACEDBY
                    || l.getType() == Patient.LinkType.SEEALSO).findFirst().orElseThrow();
            String survivor = hub.entrySet().stream().filter(e -> ("urn:uuid:" + e.getKey().getIdElement().getIdPart())
                    .equals(link.getOther().getReference())).map(Map.Entry::getValue).findFirst().orElse(null);
            List<String> keys = keys(prior);
            String priorId = hubId(keys, prior);
            if (survivor != null && !survivor.equals(priorId)) {
                if (link.getType() == Patient.LinkType.REPLACEDBY) {
                    jdbc.update("UPDATE patient_link SET patient_id = ? WHERE patient_id = ?", survivor, priorId);
                    jdbc.update("UPDATE fhir_resource SET patient_id = ? WHERE patient_id = ? AND resource_type <> 'Patient'",
                            survivor, priorId);
                }
                for (String key : keys) {
                    claim(key, survivor);
                    jdbc.update("UPDATE patient_link SET patient_id = ? WHERE identifier_hash = ?", survivor, cipher.index(key));
                }
            }
            hub.put(prior, priorId);
        }
        return hub;
    }

    /**
     * The hub Patient of the first identifier already linked; else a new one, named after the
     * strongest identifier (so two messages racing to create it agree on its id).
     */
    private String hubId(List<String> keys, Patient p) {
        return keys.stream().map(this::lookup).filter(java.util.Objects::nonNull).findFirst()
                .orElseGet(() -> keys.isEmpty() ? p.getIdElement().getIdPart()
                        : UUID.nameUUIDFromBytes(("hub-patient|" + keys.get(0)).getBytes(StandardCharsets.UTF_8)).toString());
    }

    /** The identifiers that may link a patient, strongest first, as system|value. */
    List<String> keys(Patient p) {
        List<String> strong = new ArrayList<>();
        List<String> local = new ArrayList<>();
        for (Identifier id : p.getIdentifier()) {
            if (!id.hasSystem() || !id.hasValue() || id.getSystem().endsWith(":unverified")) {
                continue;
            }
            String key = id.getSystem() + "|" + id.getValue();
            (linkSystems.contains(id.getSystem()) ? strong : local).add(key);
        }
        strong.sort(java.util.Comparator.comparingInt(k -> linkSystems.indexOf(k.substring(0, k.indexOf('|')))));
        strong.addAll(local);
        return strong;
    }

    /** The hub patient an identifier (system|value) is linked to, or null. */
    public String lookup(String key) {
        return jdbc.query("SELECT patient_id FROM patient_link WHERE identifier_hash = ?", (rs, n) -> rs.getString(1),
                cipher.index(key)).stream().findFirst().orElse(null);
    }

    private void claim(String key, String patientId) {
        jdbc.update("INSERT INTO patient_link (identifier_hash, patient_id, linked_at) SELECT ?, ?, ?"
                + " WHERE NOT EXISTS (SELECT 1 FROM patient_link WHERE identifier_hash = ?)",
                cipher.index(key), patientId, RecordStore.ts(clock.instant()), cipher.index(key));
    }

    /** Keeps what the stored hub Patient knew and the new version does not repeat (other sources' identifiers, names). */
    static void mergeInto(Patient incoming, Patient existing) {
        java.util.Set<String> known = new java.util.HashSet<>();
        incoming.getIdentifier().forEach(i -> known.add(i.getSystem() + "|" + i.getValue()));
        for (Identifier identifier : existing.getIdentifier()) {
            if (known.add(identifier.getSystem() + "|" + identifier.getValue())) {
                incoming.addIdentifier(identifier);
            }
        }
        union(incoming.getName(), existing.getName());
        union(incoming.getTelecom(), existing.getTelecom());
        union(incoming.getAddress(), existing.getAddress());
        union(incoming.getLink(), existing.getLink());
        if (!incoming.hasBirthDate() && existing.hasBirthDate()) {
            incoming.setBirthDateElement(existing.getBirthDateElement());
        }
        if (!incoming.hasGender() && existing.hasGender()) {
            incoming.setGender(existing.getGender());
        }
    }

    private static <T extends Base> void union(List<T> into, List<T> from) {
        for (T item : from) {
            if (into.stream().noneMatch(i -> i.equalsDeep(item))) {
                into.add(item);
            }
        }
    }
}
