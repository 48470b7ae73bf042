package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationListener;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

/** The embedded database file, grown by many small commits, is compacted at start-up above the threshold. */
class EmbeddedDatabaseCompactionTest {

    @TempDir
    Path dir;
    private String url;
    private Path file;

    @BeforeEach
    void bloatedDatabase() throws Exception {
        url = "jdbc:h2:file:" + dir.resolve("db/harbour") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0"
                + ";DB_CLOSE_ON_EXIT=FALSE";
        file = dir.resolve("db/harbour.mv.db");
        try (Connection c = DriverManager.getConnection(url, "harbour", "")) {
            c.createStatement().execute("CREATE TABLE message (id VARCHAR(36) PRIMARY KEY, sender VARCHAR(64), raw BYTEA)");
            c.createStatement().execute("CREATE INDEX message_sender ON message (sender)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO message VALUES (?, ?, ?)")) {
                // one commit per row, as the stages commit: each writes a new piece of the file
                for (int i = 0; i < 400; i++) {
                    insert.setString(1, "m-" + i);
                    insert.setString(2, "QMH-" + (i % 7));
                    insert.setBytes(3, ("MSH|^~\\&|MEDILINK|QMH|HARBOUR|HUB|20261202093000+0800||ADT^A08|" + i).getBytes());
                    insert.executeUpdate();
                    c.commit();
                }
            }
            c.createStatement().execute("SHUTDOWN IMMEDIATELY");
        }
    }

    private MockEnvironment env(String threshold) {
        MockEnvironment env = new MockEnvironment().withProperty("spring.datasource.url", url)
                .withProperty("spring.datasource.username", "harbour");
        return threshold == null ? env : env.withProperty(EmbeddedDatabaseCompaction.THRESHOLD, threshold);
    }

    private long rows() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "harbour", ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT sender) FROM message WHERE sender LIKE 'QMH-%'")) {
            rs.next();
            assertThat(rs.getLong(2)).isEqualTo(7);
            long n = rs.getLong(1);
            s.execute("SHUTDOWN");
            return n;
        }
    }

    @Test
    void aFileAboveTheThresholdIsCompactedAndKeepsEveryRow() throws Exception {
        long before = Files.size(file);
        assertThat(before).as("the fixture grew the file").isGreaterThan(4L << 20);

        assertThat(EmbeddedDatabaseCompaction.compactIfLarge(env("1MB"))).isTrue();

        assertThat(Files.size(file)).isLessThan(before / 4);
        assertThat(rows()).isEqualTo(400);
    }

    @Test
    void aFileBelowTheThresholdOrAnotherDatabaseIsLeftAlone() throws Exception {
        long before = Files.size(file);

        assertThat(EmbeddedDatabaseCompaction.compactIfLarge(env(null))).as("default 256MB").isFalse();
        assertThat(EmbeddedDatabaseCompaction.compactIfLarge(env("0"))).as("0 turns it off").isFalse();
        assertThat(EmbeddedDatabaseCompaction.compactIfLarge(new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test")
                .withProperty(EmbeddedDatabaseCompaction.THRESHOLD, "1MB"))).isFalse();

        assertThat(Files.size(file)).isEqualTo(before);
        assertThat(rows()).isEqualTo(400);
    }

    @Test
    void runsAtEveryStartUpOfTheHub() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ApplicationListener.class))
                .anyMatch(EmbeddedDatabaseCompaction.class::isInstance);
    }
}
