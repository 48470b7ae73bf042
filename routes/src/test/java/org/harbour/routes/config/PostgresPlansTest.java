package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

/**
 * A pool of PostgreSQL connections gets the per-statement plan mode whatever the profile; H2 and a
 * pool with its own init SQL are left alone. (ProductionProfileTest checks the setting on a real
 * connection to PostgreSQL.)
 */
class PostgresPlansTest {

    private static HikariDataSource pool(String url, String initSql) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setConnectionInitSql(initSql);
        return pool;
    }

    @Test
    void aPostgresPoolPlansEachStatementForItsValues() {
        HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:5432/harbour", null);
        new PostgresPlans().postProcessBeforeInitialization(pool, "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo("SET plan_cache_mode = force_custom_plan");
    }

    @Test
    void theEmbeddedDatabaseAndAnOperatorsOwnInitSqlAreLeftAlone() {
        HikariDataSource h2 = pool("jdbc:h2:file:./data/db/harbour;MODE=PostgreSQL", null);
        HikariDataSource own = pool("jdbc:postgresql://db.hospital.example/harbour", "SET statement_timeout = '5s'");
        new PostgresPlans().postProcessBeforeInitialization(h2, "dataSource");
        new PostgresPlans().postProcessBeforeInitialization(own, "dataSource");
        assertThat(h2.getConnectionInitSql()).isNull();
        assertThat(own.getConnectionInitSql()).isEqualTo("SET statement_timeout = '5s'");
    }
}
