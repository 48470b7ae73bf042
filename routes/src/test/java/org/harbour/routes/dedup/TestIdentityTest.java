package org.harbour.routes.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Map;
import org.harbour.mappings.codes.CodeTables;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;

/** The same test from two institutions meets: LOINC, mapped local codes, unmapped local codes per facility. */
class TestIdentityTest {

    private final TestIdentity identity = new TestIdentity(CodeTables.builtIn().get("lab-test-loinc"));

    private static CodeableConcept code(String system, String code) {
        return new CodeableConcept().addCoding(new Coding(system, code, null));
    }

    @Test
    void loincIsTheTestWhereverItComesFrom() {
        TestIdentity.Test a = identity.of(code("http://loinc.org", "4548-4"), "KWC");
        TestIdentity.Test b = identity.of(new CodeableConcept().addCoding(new Coding("urn:local", "X1", null))
                .addCoding(new Coding("http://loinc.org", "4548-4", "HbA1c")), "QMH");
        assertThat(a.key()).isEqualTo("loinc|4548-4").isEqualTo(b.key());
        assertThat(a.loinc()).isTrue();
    }

    @Test
    void mappedLocalCodesMeetTheirLoinc() {
        TestIdentity.Test clinic = identity.of(code("urn:harbour:code:KWC:lab", "HBA1C"), "KWC");
        TestIdentity.Test hospital = identity.of(code("urn:harbour:code:QMH:lab", "ghb"), "qmh");
        assertThat(clinic.key()).isEqualTo("loinc|4548-4").isEqualTo(hospital.key());
        assertThat(clinic.display()).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood");
    }

    @Test
    void unmappedLocalCodesCompareOnlyWithinTheirFacility() {
        TestIdentity.Test kwc = identity.of(code("urn:harbour:code:KWC:lab", "VITD"), "KWC");
        TestIdentity.Test qmh = identity.of(code("urn:harbour:code:KWC:lab", "VITD"), "QMH");
        assertThat(kwc.loinc()).isFalse();
        assertThat(kwc.key()).isEqualTo("local|KWC|urn:harbour:code:KWC:lab|VITD").isNotEqualTo(qmh.key());
        assertThat(identity.of(new CodeableConcept().setText("no code"), "KWC")).isNull();
    }

    @Test
    void eachTestHasItsWindow() {
        DedupWindows windows = new DedupWindows(Period.ofDays(90), Map.of("2823-3", Period.ofDays(1)),
                ZoneId.of("Asia/Hong_Kong"));
        Instant now = Instant.parse("2026-11-22T02:00:00Z");
        TestIdentity.Test hba1c = identity.of(code("http://loinc.org", "4548-4"), "KWC");
        TestIdentity.Test potassium = identity.of(code("urn:harbour:code:QMH:lab", "POT"), "QMH");
        assertThat(windows.windowFor(hba1c)).isEqualTo(Period.ofDays(90));
        assertThat(windows.since(hba1c, now)).isEqualTo(Instant.parse("2026-08-24T02:00:00Z"));
        assertThat(windows.windowFor(potassium)).isEqualTo(Period.ofDays(1));
        assertThat(windows.since(potassium, now)).isEqualTo(Instant.parse("2026-11-21T02:00:00Z"));
    }
}
