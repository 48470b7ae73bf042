package org.harbour.routes.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestH2;

/** The message store on H2, the embedded default (file mode as in the hub, in PostgreSQL mode). */
class MessageStoreH2Test extends MessageStoreContract {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Override
    protected DataSource freshDatabase() {
        return TestH2.fresh(dir);
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return TestH2.flyway(dataSource);
    }
}
