package org.harbour.routes.config;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Every connection to PostgreSQL plans each statement for its own values and the tables as they
 * are now ({@code plan_cache_mode = force_custom_plan}), whichever profile points the hub there.
 *
 * <p>Why: the driver prepares a statement on the server after a few runs, and PostgreSQL may then
 * keep one generic plan for it. The record store's lookup of a message's resources, first run
 * while its table was nearly empty, kept a plan that scans the whole table, and ran it once a
 * message for as long as the connection lived: measured 30–50 ms a lookup at 70,000 resources,
 * and a hub that fell from 200 to about 50 msgs/s (docs/BENCHMARKS.md, sessions 10 and 14). The
 * production profile had the setting in its configuration; a hub on the default profile with a
 * PostgreSQL URL did not. An init SQL of the operator's own is left as it is.
 */
public final class PostgresPlans implements BeanPostProcessor {

    static final String INIT_SQL = "SET plan_cache_mode = force_custom_plan";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool) {
            configure(pool);
        }
        return bean;
    }

    /** Sets the plan mode on a pool of PostgreSQL connections that has no init SQL of its own. */
    static void configure(HikariDataSource pool) {
        String url = pool.getJdbcUrl();
        if (url != null && url.startsWith("jdbc:postgresql:") && pool.getConnectionInitSql() == null) {
            pool.setConnectionInitSql(INIT_SQL);
        }
    }
}
