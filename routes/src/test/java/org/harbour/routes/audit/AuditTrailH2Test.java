package org.harbour.routes.audit;

import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Tamper evidence on H2, the embedded default (file mode, PostgreSQL mode, as in the hub). */
class AuditTrailH2Test extends AuditTrailContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource freshDatabase() {
        return new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db-" + UUID.randomUUID())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_DELAY=-1", "harbour", "");
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
    }
}
