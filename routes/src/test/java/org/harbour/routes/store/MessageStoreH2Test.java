package org.harbour.routes.store;

import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The message store on H2, the embedded default (file mode as in the hub, in PostgreSQL mode). */
class MessageStoreH2Test extends MessageStoreContract {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Override
    protected DataSource freshDatabase() {
        return new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db-" + UUID.randomUUID())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0", "harbour", "");
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
    }
}
