package org.harbour.routes.records;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.util.FhirTerser;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The record store: FHIR resources indexed by hub Patient, payloads encrypted, every version
 * kept. Storing a translated Bundle links its patients ({@link PatientLinks}), points every
 * reference at the stored resources, and writes a new version only when a resource changed, so
 * a replayed message leaves the store as it was.
 */
public class RecordStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final RecordCipher cipher;
    private final FhirContext fhir;
    private final PatientLinks links;
    private final Clock clock;
    private final boolean lockRows;
    /** Recently decoded versions (consents, the hub Patient, shared practitioners are read again and again). */
    private final DecodedResources decoded = new DecodedResources(DECODED_CAPACITY);
    private static final int DECODED_CAPACITY = 4096;

    public RecordStore(JdbcTemplate jdbc, TransactionTemplate tx, RecordCipher cipher, FhirContext fhir,
            PatientLinks links, Clock clock) {
        this(jdbc, tx, cipher, fhir, links, clock, true);
    }

    /**
     * @param lockRows read the stored versions of a message's records row-locked: needed only when
     *     several writers store messages side by side (two of them updating one hub Patient take
     *     turns instead of one failing on the version it also tried to write and retrying). Other
     *     writes (consents and care teams through the API, which may race each other) always lock.
     */
    public RecordStore(JdbcTemplate jdbc, TransactionTemplate tx, RecordCipher cipher, FhirContext fhir,
            PatientLinks links, Clock clock, boolean lockRows) {
        this.lockRows = lockRows;
        this.jdbc = jdbc;
        this.tx = tx;
        this.cipher = cipher;
        this.fhir = fhir;
        this.links = links;
        this.clock = clock;
    }

    /**
     * What storing a Bundle did: the hub patient (if any), every stored resource as Type/id, how
     * many were new versions, the resources as stored (references resolved, meta set) with their
     * JSON, and which of them this message did not bring anew: unchanged since an earlier message,
     * or repeating a record stored under another id ({@link Repeats}). Those are not disclosed again.
     * {@code staleVersions}: how many of the message's versions were older than the stored ones
     * ({@link Staleness}) and went to history only.
     */
    public record Stored(String patientId, List<String> references, int written, List<Resource> resources,
            List<String> json, Set<String> earlier, Map<String, String> repeats, int staleVersions) {
    }

    /**
     * Finds the resources of a message that repeat records already stored: the same result sent
     * again, or arriving by another route under another id.
     */
    @FunctionalInterface
    public interface Repeats {
        /**
         * @param resources the message's resources, references resolved to stored ones
         * @param current the stored current version of those that exist, by Type/id
         * @return Type/id of each repeating resource → Type/id of the stored record it repeats
         *     (its own, when the sender's id for it is the same)
         */
        Map<String, String> find(List<Resource> resources, Map<String, Resource> current, String patientId);

        Repeats NONE = (resources, current, patientId) -> Map.of();
    }

    /** Stores a translated Bundle in one transaction (joining the caller's, if any). */
    public Stored store(Bundle bundle, String messageId) {
        return tx.execute(status -> storeInTransaction(bundle, messageId, Repeats.NONE, true, null));
    }

    /** Stores a translated message's Bundle, leaving out what {@code repeats} finds already stored. */
    public Stored store(Bundle bundle, String messageId, Repeats repeats) {
        return store(bundle, messageId, repeats, null);
    }

    /**
     * As above, for a message from {@code source}: a record whose incoming version is older than
     * the stored one ({@link Staleness}) is kept as history, and the stored one stays current.
     */
    public Stored store(Bundle bundle, String messageId, Repeats repeats, Staleness.Source source) {
        return tx.execute(status -> storeInTransaction(bundle, messageId, repeats, lockRows, source));
    }

    /** A stored current version, its JSON, the message that wrote it, and that message's sender and time. */
    private record Current(Resource resource, String json, String messageId, String sourceSender, Instant sourceTime) {
        Staleness.Stored asStored() {
            return new Staleness.Stored(resource, sourceSender, sourceTime, messageId);
        }
    }

    private Stored storeInTransaction(Bundle bundle, String messageId, Repeats repeats, boolean lock,
            Staleness.Source source) {
        Map<String, String> targets = new LinkedHashMap<>();
        List<Resource> resources = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource r = entry.getResource().copy();
            resources.add(r);
            targets.put(entry.getFullUrl(), r.fhirType() + "/" + r.getIdElement().getIdPart());
        }
        Map<Patient, String> hubIds = links.link(resources.stream().filter(Patient.class::isInstance)
                .map(Patient.class::cast).toList(), targets);
        String mainPatient = null;
        for (Map.Entry<Patient, String> e : hubIds.entrySet()) {
            targets.put("urn:uuid:" + e.getKey().getIdElement().getIdPart(), "Patient/" + e.getValue());
            // the message's patient: the first not marked inactive (an MRG prior patient is)
            if (mainPatient == null && !(e.getKey().hasActive() && !e.getKey().getActive())) {
                mainPatient = e.getValue();
            }
        }
        for (Resource r : resources) {
            if (r instanceof Patient p && hubIds.get(p) != null) {
                p.setId(hubIds.get(p));
            }
        }
        FhirTerser terser = fhir.newTerser();
        Map<Resource, List<Reference>> referencesOf = new IdentityHashMap<>();
        for (Resource r : resources) {
            List<Reference> references = terser.getAllPopulatedChildElementsOfType(r, Reference.class);
            for (Reference ref : references) {
                String target = targets.get(ref.getReference());
                if (target != null) {
                    ref.setReference(target);
                }
            }
            referencesOf.put(r, references);
        }
        Map<String, Current> existing = existing(resources, lock);
        Map<String, Resource> current = new java.util.HashMap<>();
        existing.forEach((key, c) -> current.put(key, c.resource()));
        Map<String, String> repeated = mainPatient == null ? Map.of() : repeats.find(resources, current, mainPatient);
        if (!repeated.isEmpty()) {
            // what refers to a repeat refers to the record already stored
            for (List<Reference> references : referencesOf.values()) {
                for (Reference ref : references) {
                    String to = repeated.get(ref.getReference());
                    if (to != null) {
                        ref.setReference(to);
                    }
                }
            }
        }
        List<String> stored = new ArrayList<>();
        List<Resource> kept = new ArrayList<>();
        List<String> keptJson = new ArrayList<>();
        Set<String> earlier = new java.util.LinkedHashSet<>();
        int written = 0;
        int staleVersions = 0;
        Batch batch = new Batch();
        for (Resource r : resources) {
            String key = r.fhirType() + "/" + r.getIdElement().getIdPart();
            String repeatOf = repeated.get(key);
            if (repeatOf != null && !repeatOf.equals(key)) {
                // the same record under another id: not stored again
                if (!stored.contains(repeatOf)) {
                    Current other = existing.containsKey(repeatOf) ? existing.get(repeatOf)
                            : currentOf(repeatOf.substring(0, repeatOf.indexOf('/')), repeatOf.substring(repeatOf.indexOf('/') + 1),
                                    false);
                    if (other != null) {
                        kept.add(other.resource());
                        keptJson.add(other.json());
                        stored.add(repeatOf);
                        earlier.add(repeatOf);
                    }
                }
                continue;
            }
            if (stored.contains(key)) {
                // two of the message's patients are one hub Patient (a merge of a record into itself)
                continue;
            }
            List<Reference> references = referencesOf.get(r);
            String patientId = r instanceof Patient ? r.getIdElement().getIdPart() : patientOf(references);
            Current was = existing.get(key);
            if (repeatOf == null && was != null && !sameContent(was.resource(), r)
                    && Staleness.stale(r, source, messageId, was.asStored())) {
                // older than what is stored: kept as a version in its history, and the stored one stays current
                write(r, patientId, messageId, was.resource(), batch, source);
                Resource again = was.resource().copy();
                String againJson = write(again, patientId, was.messageId(), r, batch,
                        new Staleness.Source(was.sourceSender(), was.sourceTime()));
                kept.add(again);
                keptJson.add(againJson);
                earlier.add(key);
                stored.add(key);
                staleVersions++;
                continue;
            }
            String json = repeatOf != null ? null
                    : write(r, patientId, messageId, was == null ? null : was.resource(), batch, source);
            if (json != null) {
                written++;
                kept.add(r);
                keptJson.add(json);
            } else {
                kept.add(was.resource());
                keptJson.add(was.json());
                if (messageId == null || !messageId.equals(was.messageId())) {
                    earlier.add(key);
                }
            }
            stored.add(key);
        }
        batch.flush(jdbc);
        return new Stored(mainPatient, stored, written, kept, keptJson, earlier, repeated, staleVersions);
    }

    /** Resources looked up by one statement (two bind parameters each; PostgreSQL takes at most 32,767). */
    private static final int LOOKUP_CHUNK = 500;

    /** The stored current versions of these resources, by Type/id: by primary key, one query per 500. */
    private Map<String, Current> existing(List<Resource> resources, boolean lock) {
        Map<String, Current> out = new java.util.HashMap<>();
        for (int from = 0; from < resources.size(); from += LOOKUP_CHUNK) {
            List<Resource> chunk = resources.subList(from, Math.min(resources.size(), from + LOOKUP_CHUNK));
            List<Object> keys = new ArrayList<>();
            for (Resource r : chunk) {
                keys.add(r.fhirType());
                keys.add(r.getIdElement().getIdPart());
            }
            jdbc.query("SELECT resource_type, id, version_id, payload, message_id, source_sender, source_time"
                    + " FROM fhir_resource WHERE (resource_type, id)"
                    + " IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "(?, ?)")) + ")"
                    + (lock ? " FOR UPDATE" : ""), rs -> {
                        String type = rs.getString(1);
                        String id = rs.getString(2);
                        out.put(type + "/" + id, current(type, id, rs.getInt(3), rs.getBytes(4), rs.getString(5),
                                rs.getString(6), instantOrNull(rs, 7)));
                    }, keys.toArray());
        }
        return out;
    }

    private Current currentOf(String type, String id, boolean lock) {
        return jdbc.query("SELECT version_id, payload, message_id, source_sender, source_time FROM fhir_resource"
                + " WHERE resource_type = ? AND id = ?" + (lock ? " FOR UPDATE" : ""), (rs, n) -> current(type, id,
                        rs.getInt(1), rs.getBytes(2), rs.getString(3), rs.getString(4), instantOrNull(rs, 5)), type, id)
                .stream().findFirst().orElse(null);
    }

    private Current current(String type, String id, int version, byte[] payload, String messageId, String sender,
            Instant time) {
        DecodedResources.Decoded d = decoded(type, id, version, payload);
        return new Current(d.resource(), d.json(), messageId, sender, time);
    }

    private static Instant instantOrNull(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        java.time.OffsetDateTime at = rs.getObject(column, java.time.OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** Inserts of new resources and their index rows, sent to the database as JDBC batches. */
    private static final class Batch {
        final List<Object[]> resources = new ArrayList<>();
        final List<Object[]> tokens = new ArrayList<>();

        void flush(JdbcTemplate jdbc) {
            if (!resources.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO fhir_resource (resource_type, id, version_id, patient_id, last_updated,"
                        + " message_id, payload, source_sender, source_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", resources);
            }
            if (!tokens.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO fhir_token (resource_type, id, param, token, qualified) VALUES (?, ?, ?, ?, ?)", tokens);
            }
            resources.clear();
            tokens.clear();
        }
    }

    /** The hub patient a stored record belongs to, if it is stored and belongs to one. */
    public Optional<String> patientOf(String type, String id) {
        return jdbc.queryForList("SELECT patient_id FROM fhir_resource WHERE resource_type = ? AND id = ?", String.class,
                type, id).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    private static String patientOf(List<Reference> references) {
        for (Reference ref : references) {
            String reference = ref.getReference();
            if (reference != null && reference.startsWith("Patient/")) {
                return reference.substring("Patient/".length());
            }
        }
        return null;
    }

    /** Writes a resource as a new version when it differs from the stored one; its JSON, or null when unchanged. */
    private String write(Resource resource, String patientId, String messageId, Resource stored, Batch batch,
            Staleness.Source source) {
        String sourceSender = source == null ? null : source.sender();
        java.time.OffsetDateTime sourceTime = source == null || source.time() == null ? null : ts(source.time());
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        Optional<Resource> current = Optional.ofNullable(stored);
        if (current.isPresent() && resource instanceof Patient incoming && current.get() instanceof Patient existing) {
            PatientLinks.mergeInto(incoming, existing);
        }
        int version = 1;
        if (current.isPresent()) {
            Resource old = current.get();
            if (sameContent(old, resource)) {
                return null;
            }
            version = Integer.parseInt(old.getMeta().getVersionId()) + 1;
            jdbc.update("INSERT INTO fhir_resource_version (resource_type, id, version_id, last_updated, message_id, payload)"
                    + " SELECT resource_type, id, version_id, last_updated, message_id, payload FROM fhir_resource"
                    + " WHERE resource_type = ? AND id = ?", type, id);
        }
        Instant now = clock.instant();
        resource.getMeta().setVersionId(Integer.toString(version)).setLastUpdated(Date.from(now));
        String json = json().encodeResourceToString(resource);
        byte[] payload = cipher.encrypt(json.getBytes(StandardCharsets.UTF_8), aad(type, id, version));
        decoded.put(aad(type, id, version), payload, resource, json);
        if (current.isPresent()) {
            jdbc.update("UPDATE fhir_resource SET version_id = ?, patient_id = ?, last_updated = ?, message_id = ?,"
                    + " payload = ?, source_sender = ?, source_time = ? WHERE resource_type = ? AND id = ?", version,
                    patientId, ts(now), messageId, payload, sourceSender, sourceTime, type, id);
            jdbc.update("DELETE FROM fhir_token WHERE resource_type = ? AND id = ?", type, id);
            batch.tokens.removeIf(token -> type.equals(token[0]) && id.equals(token[1]));
        } else {
            batch.resources.add(new Object[] {type, id, version, patientId, ts(now), messageId, payload, sourceSender,
                    sourceTime});
        }
        for (String[] token : tokens(resource)) {
            batch.tokens.add(new Object[] {type, id, token[0], token[1], token[2]});
        }
        return json;
    }

    /**
     * The same resource apart from its meta (version, time) and the version an id may carry:
     * element by element, primitives by their text (so a date's precision or zone counts), empty
     * elements as absent (as in the JSON).
     */
    static boolean sameContent(Resource stored, Resource incoming) {
        if (stored.getClass() != incoming.getClass()
                || !java.util.Objects.equals(stored.getIdElement().getIdPart(), incoming.getIdElement().getIdPart())) {
            return false;
        }
        return sameChildren(stored, incoming, true);
    }

    private static boolean same(Base a, Base b) {
        if (a.getClass() != b.getClass()) {
            return false;
        }
        if (a.isPrimitive() && !java.util.Objects.equals(a.primitiveValue(), b.primitiveValue())) {
            return false;
        }
        return sameChildren(a, b, false);
    }

    private static boolean sameChildren(Base a, Base b, boolean skipIdAndMeta) {
        List<org.hl7.fhir.r4.model.Property> left = a.children();
        List<org.hl7.fhir.r4.model.Property> right = b.children();
        if (left.size() != right.size()) {
            return false;
        }
        for (int i = 0; i < left.size(); i++) {
            String name = left.get(i).getName();
            if (skipIdAndMeta && (name.equals("id") || name.equals("meta"))) {
                continue;
            }
            List<Base> x = present(left.get(i).getValues());
            List<Base> y = present(right.get(i).getValues());
            if (x.size() != y.size()) {
                return false;
            }
            for (int j = 0; j < x.size(); j++) {
                if (!same(x.get(j), y.get(j))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<Base> present(List<Base> values) {
        for (Base v : values) {
            if (v == null || v.isEmpty()) {
                return values.stream().filter(e -> e != null && !e.isEmpty()).toList();
            }
        }
        return values;
    }

    /** The search index rows of a resource: param and token (identifiers as keyed hashes). */
    /**
     * The search rows of a resource: {param, token, qualified}. A coding gives one row (its code,
     * and system|code as the qualified form); an identifier two keyed hashes (system|value and
     * |value), each found by token alone.
     */
    private List<String[]> tokens(Resource r) {
        Set<String> seen = new java.util.HashSet<>();
        List<String[]> tokens = new ArrayList<>();
        if (r instanceof Patient p) {
            for (Identifier identifier : p.getIdentifier()) {
                if (identifier.hasValue()) {
                    tokens.add(new String[] {"identifier", cipher.index(identifier.getSystem() + "|" + identifier.getValue()),
                        null});
                    tokens.add(new String[] {"identifier", cipher.index("|" + identifier.getValue()), null});
                }
            }
        }
        Base code = r.getNamedProperty("code") == null || !r.getNamedProperty("code").hasValues() ? null
                : r.getNamedProperty("code").getValues().get(0);
        if (code instanceof CodeableConcept cc) {
            codes(tokens, "code", cc);
        }
        if (r.getNamedProperty("category") != null) {
            for (Base category : r.getNamedProperty("category").getValues()) {
                if (category instanceof CodeableConcept cc) {
                    codes(tokens, "category", cc);
                }
            }
        }
        List<String[]> out = new ArrayList<>();
        for (String[] token : tokens) {
            String[] row = {token[0], clip(token[1]), clip(token[2])};
            if (seen.add(row[0] + "\u0000" + row[1] + "\u0000" + row[2])) {
                out.add(row);
            }
        }
        return out;
    }

    private static String clip(String token) {
        return token == null || token.length() <= TOKEN_LENGTH ? token : token.substring(0, TOKEN_LENGTH);
    }

    private static final int TOKEN_LENGTH = 600;

    private static void codes(List<String[]> tokens, String param, CodeableConcept cc) {
        for (Coding coding : cc.getCoding()) {
            if (coding.hasCode()) {
                tokens.add(new String[] {param, coding.getCode(),
                    (coding.hasSystem() ? coding.getSystem() : "") + "|" + coding.getCode()});
            }
        }
    }

    public FhirContext fhirContext() {
        return fhir;
    }

    /** The current version of a resource. */
    public Optional<Resource> read(String type, String id) {
        return jdbc.query("SELECT version_id, payload FROM fhir_resource WHERE resource_type = ? AND id = ?",
                (rs, n) -> decode(type, id, rs.getInt(1), rs.getBytes(2)), type, id).stream().findFirst();
    }

    /** One version of a resource, current or past. */
    public Optional<Resource> vread(String type, String id, int version) {
        Optional<Resource> current = read(type, id);
        if (current.isPresent() && current.get().getMeta().getVersionId().equals(Integer.toString(version))) {
            return current;
        }
        return jdbc.query("SELECT payload FROM fhir_resource_version WHERE resource_type = ? AND id = ? AND version_id = ?",
                (rs, n) -> decode(type, id, version, rs.getBytes(1)), type, id, version).stream().findFirst();
    }

    /** Every version of a resource, newest first. */
    public List<Resource> history(String type, String id) {
        List<Resource> out = new ArrayList<>();
        read(type, id).ifPresent(out::add);
        out.addAll(jdbc.query("SELECT version_id, payload FROM fhir_resource_version WHERE resource_type = ? AND id = ?"
                + " ORDER BY version_id DESC", (rs, n) -> decode(type, id, rs.getInt(1), rs.getBytes(2)), type, id));
        return out;
    }

    /** A search: equality on the hub patient and on token parameters (any of the given values). */
    public record Query(String type, String patientId, Map<String, List<String>> tokens, String resourceId) {
    }

    /** One page of matches (newest first) and the total. */
    public record Page(List<Resource> resources, long total) {
    }

    public Page search(Query query, int count, int offset) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" FROM fhir_resource r WHERE r.resource_type = ?");
        args.add(query.type());
        if (query.patientId() != null) {
            where.append(" AND r.patient_id = ?");
            args.add(query.patientId());
        }
        if (query.resourceId() != null) {
            where.append(" AND r.id = ?");
            args.add(query.resourceId());
        }
        for (Map.Entry<String, List<String>> token : query.tokens().entrySet()) {
            where.append(" AND EXISTS (SELECT 1 FROM fhir_token t WHERE t.resource_type = r.resource_type AND t.id = r.id"
                    + " AND t.param = ? AND (");
            args.add(token.getKey());
            String or = "";
            for (String value : token.getValue()) {
                where.append(or);
                or = " OR ";
                if (token.getKey().equals("identifier")) {
                    where.append("t.token = ?");
                    args.add(cipher.index(value.contains("|") ? value : "|" + value));
                } else if (value.contains("|")) {
                    // system|code (or |code: no system): the code through the index, then its system
                    where.append("(t.token = ? AND t.qualified = ?)");
                    args.add(clip(value.substring(value.indexOf('|') + 1)));
                    args.add(clip(value));
                } else {
                    where.append("t.token = ?");
                    args.add(clip(value));
                }
            }
            where.append("))");
        }
        Long total = jdbc.queryForObject("SELECT COUNT(*)" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(count);
        pageArgs.add(offset);
        List<Resource> page = jdbc.query("SELECT r.id, r.version_id, r.payload" + where
                + " ORDER BY r.last_updated DESC, r.id LIMIT ? OFFSET ?",
                (rs, n) -> decode(query.type(), rs.getString(1), rs.getInt(2), rs.getBytes(3)), pageArgs.toArray());
        return new Page(page, total == null ? 0 : total);
    }

    private Resource decode(String type, String id, int version, byte[] payload) {
        return decoded(type, id, version, payload).resource();
    }

    /** A stored version decrypted and parsed, or copied from the last time these very bytes were. */
    private DecodedResources.Decoded decoded(String type, String id, int version, byte[] payload) {
        return decoded.get(aad(type, id, version), payload, () -> {
            String json = plain(type, id, version, payload);
            return new DecodedResources.Decoded((Resource) json().parseResource(json), json);
        });
    }

    /** A stored payload decrypted: the resource's JSON. */
    private String plain(String type, String id, int version, byte[] payload) {
        return new String(cipher.decrypt(payload, aad(type, id, version)), StandardCharsets.UTF_8);
    }

    private IParser json() {
        return fhir.newJsonParser();
    }

    private static String aad(String type, String id, int version) {
        return type + "/" + id + "/_history/" + version;
    }

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
