package org.harbour.routes.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import javax.sql.DataSource;
import org.harbour.routes.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A patient's lab history on each supported database: recent results by test, and the same result again. */
abstract class LabHistoryContract implements TestDatabase {

    private LabHistory history;
    private DataSource db;

    @BeforeEach
    void database() {
        db = freshDatabase();
        flyway(db).migrate();
        history = new LabHistory(new JdbcTemplate(db));
    }

    private static LabHistory.Result hba1c(String ref, String patient, String at, String value, String facility) {
        return new LabHistory.Result(ref, patient, "loinc|4548-4", Instant.parse(at), "final", value, facility);
    }

    @Test
    void theStoredFingerprintIsKeyedSoTheSealedValueCannotBeGuessedFromIt() {
        LabHistory.Result result = hba1c("Observation/fp", "p1", "2026-09-02T01:00:00Z", "8.1 %", "KWC");
        history.record(result);
        String stored = new JdbcTemplate(db).queryForObject(
                "SELECT fingerprint FROM lab_result WHERE observation_ref = 'Observation/fp'", String.class);
        assertThat(stored).isNotEqualTo(result.fingerprint()).hasSize(64);
        assertThat(history.sameResultAs(hba1c("Observation/fp2", "p1", "2026-09-02T01:00:00Z", "8.1 %", "QMH")))
                .hasValue("Observation/fp");
    }

    @Test
    void recentResultsOfOneTestAndPatientAcrossFacilities() {
        history.record(hba1c("Observation/a", "p1", "2026-09-02T01:00:00Z", "8.1 %", "KWC"));
        history.record(hba1c("Observation/b", "p1", "2026-05-01T01:00:00Z", "7.9 %", "QMH"));
        history.record(hba1c("Observation/c", "p2", "2026-11-01T01:00:00Z", "6.0 %", "KWC"));
        history.record(new LabHistory.Result("Observation/d", "p1", "loinc|2823-3", Instant.parse("2026-11-20T01:00:00Z"),
                "final", "4.0 mmol/L", "KWC"));

        var recent = history.recent("p1", "loinc|4548-4", Instant.parse("2026-08-24T00:00:00Z"), 5);
        assertThat(recent).extracting(LabHistory.Result::observationRef).containsExactly("Observation/a");
        assertThat(recent.get(0).valueText()).isEqualTo("8.1 %");
        assertThat(recent.get(0).facility()).isEqualTo("KWC");
        assertThat(history.recent("p1", "loinc|4548-4", Instant.parse("2026-01-01T00:00:00Z"), 5))
                .extracting(LabHistory.Result::observationRef).containsExactly("Observation/a", "Observation/b");
        assertThat(history.recent("p1", "loinc|4548-4", Instant.parse("2026-09-03T00:00:00Z"), 5)).isEmpty();
    }

    @Test
    void theSameResultUnderAnotherIdIsFoundAndACorrectionReplaces() {
        LabHistory.Result first = hba1c("Observation/a", "p1", "2026-09-02T01:00:00Z", "8.1 %", "KWC");
        history.record(first);
        LabHistory.Result resent = hba1c("Observation/a2", "p1", "2026-09-02T01:00:00Z", "8.1 %", "KWC");
        assertThat(history.sameResultAs(resent)).hasValue("Observation/a");
        assertThat(history.sameResultAs(first)).isEmpty();
        LabHistory.Result otherValue = hba1c("Observation/a3", "p1", "2026-09-02T01:00:00Z", "8.3 %", "KWC");
        assertThat(history.sameResultAs(otherValue)).isEmpty();

        history.record(new LabHistory.Result("Observation/a", "p1", "loinc|4548-4", Instant.parse("2026-09-02T01:00:00Z"),
                "corrected", "8.3 %", "KWC"));
        var now = history.recent("p1", "loinc|4548-4", Instant.parse("2026-01-01T00:00:00Z"), 5);
        assertThat(now).hasSize(1);
        assertThat(now.get(0).status()).isEqualTo("corrected");
        assertThat(now.get(0).valueText()).isEqualTo("8.3 %");
    }
}
