package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Hl7Samples;
import org.harbour.routes.TestDatabase;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Token search on each supported database: a coding is found by its code alone, by system|code,
 * and by |code when it has no system, never under another system; an identifier by system|value
 * and by value. Rows written before one row per coding are converted by the migration and found
 * the same way.
 */
abstract class RecordSearchContract implements TestDatabase {

    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");
    private static final String LOINC = "http://loinc.org";
    private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private final RecordCipher cipher = RecordCipher.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    private DataSource db;
    private JdbcTemplate jdbc;
    private RecordStore records;

    @BeforeEach
    void database() {
        db = freshDatabase();
        jdbc = new JdbcTemplate(db);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        records = new RecordStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)), cipher,
                FhirContext.forR4Cached(), new PatientLinks(jdbc, cipher, List.of("urn:harbour:id:hkid"), clock), clock);
    }

    private List<String> ids(String type, String param, String value) {
        return records.search(new RecordStore.Query(type, null, Map.of(param, List.of(value.split(","))), null), 50, 0)
                .resources().stream().map(r -> r.getIdElement().getIdPart()).toList();
    }

    private String stored(String message) {
        RecordStore.Stored stored = records.store(new V2ToFhir(TranslatorSettings.defaults())
                .convert(message.getBytes(StandardCharsets.UTF_8)).bundle(), "m-" + message.hashCode());
        return stored.references().stream().filter(r -> r.startsWith("Observation/")).findFirst().orElseThrow()
                .substring("Observation/".length());
    }

    @Test
    void codingsAreFoundByCodeAloneAndBySystemAndCodeButNotUnderAnotherSystem() {
        flyway(db).migrate();
        String potassium = stored(Hl7Samples.potassium("KWC", "TOK-1", 880001, "4.0", "N"));

        assertThat(ids("Observation", "code", "2823-3")).containsExactly(potassium);
        assertThat(ids("Observation", "code", LOINC + "|2823-3")).containsExactly(potassium);
        assertThat(ids("Observation", "code", "http://snomed.info/sct|2823-3")).isEmpty();
        assertThat(ids("Observation", "code", "|2823-3")).as("the coding has a system").isEmpty();
        assertThat(ids("Observation", "code", "http://snomed.info/sct|1,2823-3")).as("any of the values")
                .containsExactly(potassium);
        assertThat(ids("Observation", "category", "laboratory")).containsExactly(potassium);
        assertThat(ids("Observation", "category", CATEGORY + "|laboratory")).containsExactly(potassium);
        assertThat(ids("Observation", "category", CATEGORY + "|vital-signs")).isEmpty();
        assertThat(ids("Patient", "identifier", "urn:harbour:id:hkid|" + Hl7Samples.hkidOf(880001))).hasSize(1);
        assertThat(ids("Patient", "identifier", Hl7Samples.hkidOf(880001))).hasSize(1);
        assertThat(ids("Patient", "identifier", "urn:harbour:id:mrn|" + Hl7Samples.hkidOf(880001))).isEmpty();

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fhir_token WHERE resource_type = 'Observation' AND id = ?"
                + " AND param = 'code'", Long.class, potassium)).as("one row per coding").isEqualTo(1);
    }

    @Test
    void aCodingWithoutSystemIsFoundByItsBareCode() {
        flyway(db).migrate();
        Resource observation = new org.hl7.fhir.r4.model.Observation()
                .setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL)
                .setCode(new org.hl7.fhir.r4.model.CodeableConcept().addCoding(
                        new org.hl7.fhir.r4.model.Coding().setCode("LOCAL-K")))
                .setId("no-system");
        org.hl7.fhir.r4.model.Bundle bundle = new org.hl7.fhir.r4.model.Bundle();
        bundle.addEntry().setFullUrl("urn:uuid:no-system").setResource(observation);
        records.store(bundle, "m-no-system");

        assertThat(ids("Observation", "code", "|LOCAL-K")).containsExactly("no-system");
        assertThat(ids("Observation", "code", "LOCAL-K")).containsExactly("no-system");
        assertThat(ids("Observation", "code", LOINC + "|LOCAL-K")).isEmpty();
    }

    @Test
    void rowsWrittenTwicePerCodingBeforeAreConvertedByTheMigration() {
        Flyway before = Flyway.configure().configuration(flyway(db).getConfiguration()).target("7").load();
        before.migrate();
        // as the store wrote them up to V7: system|code and the code alone, each a row
        for (String[] row : List.of(new String[] {"code", LOINC + "|2823-3"}, new String[] {"code", "2823-3"},
                new String[] {"category", CATEGORY + "|laboratory"}, new String[] {"category", "laboratory"},
                new String[] {"code", "|LOCAL-K"}, new String[] {"code", "LOCAL-K"},
                new String[] {"identifier", "hash-of-system-and-value"}, new String[] {"identifier", "hash-of-value"})) {
            jdbc.update("INSERT INTO fhir_token (resource_type, id, param, token) VALUES ('Observation', 'old-1', ?, ?)",
                    row[0], row[1]);
        }

        flyway(db).migrate();

        assertThat(jdbc.query("SELECT param, token, qualified FROM fhir_token WHERE id = 'old-1' ORDER BY param, token",
                (rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3))).containsExactly(
                        "category laboratory " + CATEGORY + "|laboratory",
                        "code 2823-3 " + LOINC + "|2823-3",
                        "code LOCAL-K |LOCAL-K",
                        "identifier hash-of-system-and-value null",
                        "identifier hash-of-value null");
    }
}
