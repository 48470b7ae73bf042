package org.harbour.routes.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Compacts the embedded H2 database at start-up when its file has grown beyond
 * {@code harbour.database.compact-above}, before anything else opens it.
 *
 * <p>H2 writes every commit as a new piece of its file and reuses the space of old pieces only
 * slowly, so under steady traffic the file grows far beyond the data it holds (measured: about
 * 300 KB a message at 50 messages a second). Online compaction does not reclaim it; a
 * {@code SHUTDOWN COMPACT} does (measured: 633 MB to 16 MB in 3.3 s). Doing it at start-up,
 * when nothing else uses the database, means a planned restart gives the space back.
 * A failure to compact is logged and start-up goes on: the database is unchanged and usable.
 */
public class EmbeddedDatabaseCompaction implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseCompaction.class);
    static final String THRESHOLD = "harbour.database.compact-above";
    public static final String DEFAULT_THRESHOLD = "256MB";
    private static final String H2_FILE = "jdbc:h2:file:";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        compactIfLarge(event.getEnvironment());
    }

    /** Compacts when the datasource is an embedded H2 file larger than the threshold; true if it did. */
    static boolean compactIfLarge(Environment env) {
        String url = env.getProperty("spring.datasource.url");
        DataSize threshold = DataSize.parse(env.getProperty(THRESHOLD, DEFAULT_THRESHOLD));
        if (url == null || !url.startsWith(H2_FILE) || threshold.toBytes() <= 0) {
            return false;
        }
        int options = url.indexOf(';');
        Path file = Path.of(url.substring(H2_FILE.length(), options < 0 ? url.length() : options) + ".mv.db");
        long before;
        try {
            if (!Files.exists(file) || (before = Files.size(file)) <= threshold.toBytes()) {
                return false;
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the size of the embedded database file {}: {}", file, e.toString());
            return false;
        }
        LOG.info("The embedded database file is {} MB, above {} ({} MB): compacting it before start-up",
                before >> 20, THRESHOLD, threshold.toMegabytes());
        long start = System.nanoTime();
        String password = env.getProperty("spring.datasource.password");
        try (Connection connection = DriverManager.getConnection(url, env.getProperty("spring.datasource.username", ""),
                password == null ? "" : password); Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            LOG.warn("Compacting the embedded database failed ({}); starting with it as it is", e.getMessage());
            return false;
        }
        try {
            LOG.info("Embedded database compacted from {} MB to {} MB in {} ms", before >> 20, Files.size(file) >> 20,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            LOG.info("Embedded database compacted in {} ms", (System.nanoTime() - start) / 1_000_000);
        }
        return true;
    }
}
