package org.harbour.routes.dedup;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.harbour.routes.TestH2;
import org.junit.jupiter.api.io.TempDir;

/** Repeated-test rules on H2, the embedded default. */
class RepeatTestsH2Test extends RepeatTestsContract {

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
