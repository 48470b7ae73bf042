package org.harbour.routes;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A fresh schema on the PostgreSQL server at {@code harbour.test.postgres.url} (default the local
 * server, database test). A missing server fails the test; {@code -Dharbour.test.postgres=skip}
 * skips it on machines without PostgreSQL.
 */
public final class TestPostgres {

    private static final String URL = System.getProperty("harbour.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("harbour.test.postgres.user", "postgres");
    private static final String PASSWORD = System.getProperty("harbour.test.postgres.password", "");

    private String schema;
    private DataSource admin;

    public DataSource freshSchema() {
        Assumptions.assumeFalse("skip".equals(System.getProperty("harbour.test.postgres")),
                "PostgreSQL tests skipped by -Dharbour.test.postgres=skip");
        admin = new DriverManagerDataSource(URL, USER, PASSWORD);
        try (Connection ignored = admin.getConnection()) {
            schema = "harbour_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        } catch (SQLException e) {
            fail("PostgreSQL is required at " + URL + " (start it, or run with -Dharbour.test.postgres=skip): "
                    + e.getMessage());
        }
        new JdbcTemplate(admin).execute("CREATE SCHEMA " + schema);
        return new DriverManagerDataSource(URL + "?currentSchema=" + schema, USER, PASSWORD);
    }

    public Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).schemas(schema).locations("classpath:db/migration").load();
    }

    public void drop() {
        if (schema != null) {
            new JdbcTemplate(admin).execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
