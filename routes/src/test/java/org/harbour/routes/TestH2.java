package org.harbour.routes;

import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A fresh H2 file database as the hub opens it (PostgreSQL mode), kept open between connections. */
public final class TestH2 {

    private TestH2() {
    }

    public static DataSource fresh(Path dir) {
        return new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db-" + UUID.randomUUID())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=64;DB_CLOSE_DELAY=-1",
                "harbour", "");
    }

    public static Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
    }
}
