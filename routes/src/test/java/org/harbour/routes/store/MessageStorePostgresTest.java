package org.harbour.routes.store;

import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The message store on PostgreSQL, the production database, for real: each test migrates a
 * fresh schema on the server at {@code harbour.test.postgres.url} (default the local server,
 * database test). A missing server fails the test; {@code -Dharbour.test.postgres=skip} skips it
 * on machines without PostgreSQL.
 */
class MessageStorePostgresTest extends MessageStoreContract {

    private static final String URL = System.getProperty("harbour.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("harbour.test.postgres.user", "postgres");

    private String schema;
    private DataSource admin;

    @Override
    protected DataSource freshDatabase() {
        Assumptions.assumeFalse("skip".equals(System.getProperty("harbour.test.postgres")),
                "PostgreSQL tests skipped by -Dharbour.test.postgres=skip");
        admin = new DriverManagerDataSource(URL, USER, System.getProperty("harbour.test.postgres.password", ""));
        try (Connection ignored = admin.getConnection()) {
            schema = "harbour_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        } catch (SQLException e) {
            fail("PostgreSQL is required at " + URL + " (start it, or run with -Dharbour.test.postgres=skip): "
                    + e.getMessage());
        }
        new JdbcTemplate(admin).execute("CREATE SCHEMA " + schema);
        return new DriverManagerDataSource(URL + "?currentSchema=" + schema, USER,
                System.getProperty("harbour.test.postgres.password", ""));
    }

    @Override
    protected Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).schemas(schema).locations("classpath:db/migration").load();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            new JdbcTemplate(admin).execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
