package org.harbour.routes.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The record Bundles this hub last published on harbour.records, kept decoded, so that its
 * disclose stage takes copies of them instead of parsing the JSON back (a HAPI parse of every
 * message's Bundle was the disclose stage's largest cost).
 *
 * <p>A Bundle is served from here only for the very same JSON text, compared in full: whatever
 * arrives from the broker is what counts, and a Bundle published by another hub, or gone from
 * here, is parsed as before. Callers get fresh copies. Bounded: the oldest published go first.
 */
public final class PublishedBundles {

    private record Entry(String json, List<Resource> resources) {
    }

    private final int capacity;
    private final Map<String, Entry> entries;

    public PublishedBundles(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.max(16, capacity / 4), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > PublishedBundles.this.capacity;
            }
        };
    }

    /**
     * Keeps the resources of a collection Bundle published as {@code json}; the caller hands them
     * over and does not change them afterwards.
     */
    public void published(String id, String json, List<Resource> resources) {
        if (capacity > 0) {
            synchronized (entries) {
                entries.put(id, new Entry(json, List.copyOf(resources)));
            }
        }
    }

    /** The Bundle received as {@code json}: copies of the published resources when the text is the same, else parsed. */
    public Bundle received(String id, String json, Function<String, Bundle> parse) {
        Entry entry;
        synchronized (entries) {
            entry = entries.get(id);
        }
        if (entry == null || !entry.json().equals(json)) {
            return parse.apply(json);
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.setId(id);
        for (Resource r : entry.resources()) {
            bundle.addEntry().setResource(r.copy());
        }
        return bundle;
    }
}
