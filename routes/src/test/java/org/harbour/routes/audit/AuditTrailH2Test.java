package org.harbour.routes.audit;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestH2;
import org.junit.jupiter.api.io.TempDir;

/** Tamper evidence on H2, the embedded default (file mode, PostgreSQL mode, as in the hub). */
class AuditTrailH2Test extends AuditTrailContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource freshDatabase() {
        return TestH2.fresh(dir);
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return TestH2.flyway(dataSource);
    }
}
