package org.harbour.routes.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestPostgres;
import org.junit.jupiter.api.AfterEach;

/**
 * The message store on PostgreSQL, the production database, for real: each test migrates a
 * fresh schema on the local server ({@link TestPostgres}).
 */
class MessageStorePostgresTest extends MessageStoreContract {

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
