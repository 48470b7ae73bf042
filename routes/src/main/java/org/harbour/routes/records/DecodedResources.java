package org.harbour.routes.records;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Resource;

/**
 * Recently decoded stored resources, so that reading the same version again (a patient's consents
 * at every decision, the hub Patient at every delivery, shared practitioners at every store) costs a
 * copy instead of a decryption and a JSON parse.
 *
 * <p>An entry is found only for the very same stored bytes: the key is the resource's type, id and
 * version, and the encrypted payload must be equal byte for byte. So a version written in a
 * transaction that was rolled back, and written again with other content, is never served from
 * here, and nothing is trusted that the database did not just return. Callers get copies (HAPI
 * resources are mutable). Bounded: least recently used entries go first.
 */
final class DecodedResources {

    /** A decoded resource, its JSON, and the encrypted bytes it came from. */
    record Decoded(Resource resource, String json) {
    }

    private record Entry(byte[] payload, Resource resource, String json) {
    }

    private final int capacity;
    private final Map<String, Entry> entries;

    DecodedResources(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.max(16, capacity / 4), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DecodedResources.this.capacity;
            }
        };
    }

    /**
     * The resource stored under {@code key} as {@code payload}: from here when these bytes were
     * decoded before, else decoded by {@code decode} (and kept). Always a fresh copy.
     */
    Decoded get(String key, byte[] payload, Supplier<Decoded> decode) {
        Entry hit;
        synchronized (entries) {
            hit = capacity > 0 ? entries.get(key) : null;
        }
        if (hit != null && Arrays.equals(hit.payload(), payload)) {
            return new Decoded(hit.resource().copy(), hit.json());
        }
        Decoded fresh = decode.get();
        if (capacity > 0) {
            Entry kept = new Entry(payload.clone(), fresh.resource().copy(), fresh.json());
            synchronized (entries) {
                entries.put(key, kept);
            }
        }
        return fresh;
    }

    /**
     * Keeps a version just written as {@code payload} (a copy of {@code resource}), so that its
     * first read, by the stages after this one, is a copy too. It is served only if the database
     * returns these very bytes: a write rolled back never is.
     */
    void put(String key, byte[] payload, Resource resource, String json) {
        if (capacity > 0) {
            Entry kept = new Entry(payload.clone(), resource.copy(), json);
            synchronized (entries) {
                entries.put(key, kept);
            }
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
