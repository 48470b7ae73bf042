package org.harbour.routes.dedup;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/** Repeated-test rules on PostgreSQL, for real (a fresh schema on the local server). */
class RepeatTestsPostgresTest extends RepeatTestsContract {

    private final TestPostgres postgres = new TestPostgres();

    @Override
    protected DataSource freshDatabase() {
        return postgres.freshSchema();
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return postgres.flyway(dataSource);
    }

    @AfterEach
    void dropSchema() {
        postgres.drop();
    }
}
