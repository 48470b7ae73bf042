package org.harbour.routes.config;

import com.zaxxer.hikari.HikariDataSource;
import java.util.regex.Pattern;
import org.harbour.routes.support.GroupFlushDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded H2 database writes its pages once for many commits ({@link GroupFlushDataSource}),
 * unless its URL asks for a write on every commit ({@code WRITE_DELAY=0}). PostgreSQL keeps its
 * own log and is left as it is.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean
    static BeanPostProcessor h2GroupFlush() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource hikari && groupFlushed(hikari.getJdbcUrl())) {
                    return new GroupFlushDataSource(hikari, hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
                }
                return bean;
            }
        };
    }

    /** An H2 file database that does not write on every commit by itself. */
    static boolean groupFlushed(String url) {
        return url != null && url.startsWith("jdbc:h2:file:") && !WRITE_EVERY_COMMIT.matcher(url).find();
    }

    private static final Pattern WRITE_EVERY_COMMIT = Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=\\s*0\\s*(;|$)");
}
