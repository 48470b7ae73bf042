package org.harbour.routes.dedup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.harbour.routes.records.RecordStore;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Recognises results a message repeats: an Observation with the same patient, test, time,
 * value and status as a stored one (the same report resent, or arriving by another route under
 * other ids), and a DiagnosticReport all of whose results are such repeats. A correction or an
 * amendment has another status (or value) than what it corrects, so it is never a repeat: it
 * replaces the earlier version and is forwarded.
 */
public final class ResultRepeats implements RecordStore.Repeats {

    private final RepeatTests tests;
    private final LabHistory history;
    private final String facility;
    private final java.time.Instant now;
    private String patientId;
    private LabHistory.Lookup lookup;

    public ResultRepeats(RepeatTests tests, LabHistory history, String facility, java.time.Instant now) {
        this.tests = tests;
        this.history = history;
        this.facility = facility;
        this.now = now;
    }

    /**
     * The history read while finding repeats (one query for the results' fingerprints and the
     * open orders' tests), for the order check of the same message; null for another patient.
     */
    public LabHistory.Lookup lookupFor(String patient) {
        return patient != null && patient.equals(patientId) ? lookup : null;
    }

    @Override
    public Map<String, String> find(List<Resource> resources, Map<String, Resource> current, String patientId) {
        Map<String, String> repeats = new HashMap<>();
        Map<String, LabHistory.Result> matched = new HashMap<>();
        List<LabHistory.Result> incoming = new java.util.ArrayList<>();
        for (Resource r : resources) {
            if (r instanceof Observation o && o.hasStatus() && RepeatTests.RESULT_STATUSES.contains(o.getStatus().toCode())) {
                LabHistory.Result result = tests.result(patientId, facility, o);
                if (result != null) {
                    incoming.add(result);
                }
            }
        }
        this.patientId = patientId;
        this.lookup = history.lookup(incoming, patientId,
                RepeatTests.sinceByTest(tests.openOrders(resources, facility, now)), RepeatTests.LOOKUP_LIMIT);
        for (LabHistory.Result result : incoming) {
            LabHistory.Result same = null;
            for (LabHistory.Result stored : lookup.byFingerprint().getOrDefault(result.fingerprint(), List.of())) {
                if (stored.status().equals(result.status())
                        && (same == null || stored.observationRef().equals(result.observationRef()))) {
                    same = stored;
                }
            }
            if (same != null) {
                repeats.put(result.observationRef(), same.observationRef());
                matched.put(result.observationRef(), same);
            }
        }
        for (Resource r : resources) {
            if (r instanceof DiagnosticReport dr && dr.hasResult() && dr.hasStatus()) {
                String ref = "DiagnosticReport/" + dr.getIdElement().getIdPart();
                Set<String> reports = new TreeSet<>();
                boolean all = true;
                for (Reference result : dr.getResult()) {
                    LabHistory.Result same = matched.get(result.getReference());
                    all &= same != null;
                    if (same != null && same.reportRef() != null) {
                        reports.add(same.reportRef());
                    }
                }
                if (!all) {
                    continue;
                }
                if (current.get(ref) instanceof DiagnosticReport was && was.getStatus() == dr.getStatus()) {
                    repeats.put(ref, ref);
                } else if (reports.size() == 1 && !current.containsKey(ref)) {
                    repeats.put(ref, reports.iterator().next());
                }
            }
        }
        return repeats;
    }
}
