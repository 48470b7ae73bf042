package org.harbour.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;

/**
 * The database a store contract test runs on. A contract class implements this without
 * choosing; each concrete test picks {@link OnH2} or {@link OnPostgres}.
 */
public interface TestDatabase {

    /** A new, empty database (not yet migrated). */
    DataSource freshDatabase();

    /** The hub's Flyway migrations for it. */
    Flyway flyway(DataSource dataSource);

    /** H2 in file mode, PostgreSQL mode, as the embedded default opens it. */
    interface OnH2 extends TestDatabase {
        @Override
        default DataSource freshDatabase() {
            try {
                return TestH2.fresh(Files.createTempDirectory("harbour-h2-test-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        default Flyway flyway(DataSource dataSource) {
            return TestH2.flyway(dataSource);
        }
    }

    /** PostgreSQL for real: a fresh schema on the local server per test, dropped afterwards. */
    interface OnPostgres extends TestDatabase {

        /** The schema of each running test instance. */
        Map<Object, TestPostgres> SCHEMAS = new ConcurrentHashMap<>();

        @Override
        default DataSource freshDatabase() {
            TestPostgres postgres = new TestPostgres();
            SCHEMAS.put(this, postgres);
            return postgres.freshSchema();
        }

        @Override
        default Flyway flyway(DataSource dataSource) {
            return SCHEMAS.get(this).flyway(dataSource);
        }

        @AfterEach
        default void dropSchema() {
            TestPostgres postgres = SCHEMAS.remove(this);
            if (postgres != null) {
                postgres.drop();
            }
        }
    }
}
