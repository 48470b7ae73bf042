package org.harbour.routes.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Compares a message's lab orders with the patient's history across institutions: an order
 * for a test with a final result inside the test's window yields a DetectedIssue (repeat test)
 * naming the earlier result(s) and the new order. The order itself flows on: Harbour advises,
 * it does not block. The message's own results go into the history first.
 */
public class RepeatTests {

    public static final String ISSUE_SYSTEM = "urn:harbour:detected-issue";
    static final Set<String> RESULT_STATUSES = Set.of("final", "corrected", "amended");
    static final Set<String> OPEN_ORDER = Set.of("active", "draft", "on-hold", "unknown");

    private final LabHistory history;
    private final TestIdentity identity;
    private final DedupWindows windows;
    private final DateTimeFormatter day;

    public RepeatTests(LabHistory history, TestIdentity identity, DedupWindows windows, ZoneId zone) {
        this.history = history;
        this.identity = identity;
        this.windows = windows;
        this.day = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(zone);
    }

    /** One repeat found: the alert, and the test and facility it is counted under. */
    public record Repeat(DetectedIssue issue, TestIdentity.Test test, String facility) {
    }

    /** Adds the message's results to the history, then checks its open orders against it. */
    public List<Repeat> check(String patientId, String facility, List<Resource> resources, Instant now) {
        return check(patientId, facility, resources, Set.of(), now, null);
    }

    /** An open order for a known test, and how far back an earlier result of it counts. */
    public record OpenOrder(ServiceRequest order, TestIdentity.Test test, Instant since) {
    }

    /** The message's open orders (active, draft, on hold) for tests it can identify. */
    public List<OpenOrder> openOrders(List<Resource> resources, String facility, Instant now) {
        List<OpenOrder> orders = new ArrayList<>();
        for (Resource r : resources) {
            if (r instanceof ServiceRequest order && order.hasStatus() && OPEN_ORDER.contains(order.getStatus().toCode())) {
                TestIdentity.Test test = identity.of(order.getCode(), facility);
                if (test != null) {
                    orders.add(new OpenOrder(order, test, windows.since(test, now)));
                }
            }
        }
        return orders;
    }

    /** How many earlier results a history look-up reads per test (the message's own may be among them). */
    static final int LOOKUP_LIMIT = 6;

    static java.util.Map<String, Instant> sinceByTest(List<OpenOrder> orders) {
        java.util.Map<String, Instant> since = new java.util.LinkedHashMap<>();
        orders.forEach(o -> since.merge(o.test().key(), o.since(), (a, b) -> a.isBefore(b) ? a : b));
        return since;
    }

    /**
     * Adds the message's results to the history (all but {@code earlier}: records an earlier
     * message stored, which the history has as they came), then checks its open orders against
     * the history read by {@code lookup} (read here when null). A result withdrawn (entered in
     * error, cancelled) stays in the history under that status and no longer counts.
     */
    public List<Repeat> check(String patientId, String facility, List<Resource> resources, Set<String> earlier,
            Instant now, LabHistory.Lookup lookup) {
        java.util.Map<String, String> reportOf = new java.util.HashMap<>();
        for (Resource r : resources) {
            if (r instanceof org.hl7.fhir.r4.model.DiagnosticReport dr) {
                for (Reference result : dr.getResult()) {
                    reportOf.putIfAbsent(result.getReference(), "DiagnosticReport/" + dr.getIdElement().getIdPart());
                }
            }
        }
        Set<String> own = new java.util.HashSet<>();
        List<LabHistory.Result> joining = new ArrayList<>();
        for (Resource r : resources) {
            if (r instanceof Observation o && o.hasStatus()) {
                LabHistory.Result result = result(patientId, facility, o);
                if (result == null) {
                    continue;
                }
                own.add(result.observationRef());
                if (!earlier.contains(result.observationRef())) {
                    joining.add(new LabHistory.Result(result.observationRef(), patientId, result.testKey(),
                            result.effectiveAt(), result.status(), result.valueText(), facility,
                            reportOf.get(result.observationRef())));
                }
            }
        }
        List<OpenOrder> orders = openOrders(resources, facility, now);
        LabHistory.Lookup read = lookup != null ? lookup : orders.isEmpty() ? LabHistory.Lookup.EMPTY
                : history.lookup(List.of(), patientId, sinceByTest(orders), LOOKUP_LIMIT);
        history.recordAll(joining);
        List<Repeat> repeats = new ArrayList<>();
        for (OpenOrder o : orders) {
            List<LabHistory.Result> prior = read.recentByTest().getOrDefault(o.test().key(), List.of()).stream()
                    .filter(p -> !p.effectiveAt().isBefore(o.since()) && !own.contains(p.observationRef())
                            && RESULT_STATUSES.contains(p.status()))
                    .limit(3).toList();
            if (!prior.isEmpty()) {
                repeats.add(new Repeat(issue(patientId, o.order(), o.test(), prior, now), o.test(), facility));
            }
        }
        return repeats;
    }

    LabHistory.Result result(String patientId, String facility, Observation o) {
        TestIdentity.Test test = identity.of(o.getCode(), facility);
        Date when = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType().getValue()
                : o.hasEffectivePeriod() ? o.getEffectivePeriod().getStart() : o.getIssued();
        if (test == null || when == null) {
            return null;
        }
        return new LabHistory.Result("Observation/" + o.getIdElement().getIdPart(), patientId, test.key(),
                when.toInstant(), o.getStatus().toCode(), value(o.getValue()), facility);
    }

    private DetectedIssue issue(String patientId, ServiceRequest order, TestIdentity.Test test,
            List<LabHistory.Result> prior, Instant now) {
        String orderRef = "ServiceRequest/" + order.getIdElement().getIdPart();
        DetectedIssue issue = new DetectedIssue();
        issue.setId(UUID.nameUUIDFromBytes(("repeat-test|" + orderRef).getBytes(StandardCharsets.UTF_8)).toString());
        issue.setStatus(DetectedIssue.DetectedIssueStatus.FINAL);
        issue.setCode(new CodeableConcept().addCoding(new Coding(ISSUE_SYSTEM, "repeat-test", "Repeat laboratory test"))
                .setText("Repeat laboratory test"));
        issue.setSeverity(DetectedIssue.DetectedIssueSeverity.MODERATE);
        issue.setPatient(new Reference("Patient/" + patientId));
        issue.setIdentified(new org.hl7.fhir.r4.model.DateTimeType(Date.from(now)));
        issue.setAuthor(new Reference().setDisplay("Harbour"));
        for (LabHistory.Result p : prior) {
            issue.addImplicated(new Reference(p.observationRef()));
        }
        issue.addImplicated(new Reference(orderRef));
        LabHistory.Result last = prior.get(0);
        issue.setDetail(test.display() + " " + (last.valueText() == null ? "" : last.valueText() + " ") + "on "
                + day.format(last.effectiveAt()) + " at " + last.facility() + " — repeat?");
        return issue;
    }

    static String value(Type value) {
        if (value instanceof Quantity q && q.hasValue()) {
            return (q.hasComparator() ? q.getComparator().toCode() : "") + q.getValue().stripTrailingZeros()
                    .toPlainString() + (q.hasUnit() ? " " + q.getUnit() : q.hasCode() ? " " + q.getCode() : "");
        }
        if (value instanceof CodeableConcept cc) {
            return cc.hasText() ? cc.getText() : cc.getCodingFirstRep().hasDisplay() ? cc.getCodingFirstRep().getDisplay()
                    : cc.getCodingFirstRep().getCode();
        }
        if (value instanceof StringType s) {
            return s.getValue();
        }
        return value == null ? null : value.primitiveValue();
    }
}
