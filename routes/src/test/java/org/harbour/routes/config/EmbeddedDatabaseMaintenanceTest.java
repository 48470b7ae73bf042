package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import org.harbour.routes.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * While the hub runs, the embedded database's sparse chunks are rewritten, so the file's space
 * is reused instead of the file growing with every commit; on another database nothing is done.
 */
class EmbeddedDatabaseMaintenanceTest {

    @TempDir
    Path dir;

    /** Commits rows one at a time as the stages do (random keys: old chunks keep live index pages). */
    private static void commitOneByOne(Connection c, int rows, Runnable every100) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO message VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, "QMH-" + (i % 7));
                insert.setBytes(3, new byte[600]);
                insert.executeUpdate();
                c.commit();
                if (i % 100 == 99) {
                    every100.run();
                }
            }
        }
    }

    private long grownFile(String name, boolean maintained) throws Exception {
        // retention 0: freed chunks are reused at once (the hub keeps H2's default, 45 s)
        String url = "jdbc:h2:file:" + dir.resolve(name) + ";MODE=PostgreSQL;WRITE_DELAY=0;RETENTION_TIME=0";
        try (SingleConnectionDataSource db = new SingleConnectionDataSource(url, "harbour", "", true)) {
            Connection c = db.getConnection();
            c.createStatement().execute("CREATE TABLE message (id VARCHAR(36) PRIMARY KEY, sender VARCHAR(64), raw BYTEA)");
            c.createStatement().execute("CREATE INDEX message_sender ON message (sender)");
            c.setAutoCommit(false);
            EmbeddedDatabaseMaintenance maintenance = new EmbeddedDatabaseMaintenance(db);
            int[] rewrites = {0};
            commitOneByOne(c, 3000, () -> {
                if (maintained && maintenance.compactOnce()) {
                    rewrites[0]++;
                }
            });
            if (maintained) {
                assertThat(maintenance.syncOnce()).as("file synced").isTrue();
                assertThat(rewrites[0]).as("passes that rewrote sparse chunks").isGreaterThan(0);
                assertThat(maintenance.embedded()).isTrue();
            }
            assertThat(c.createStatement().executeQuery("SELECT COUNT(*) FROM message")).satisfies(rs -> {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3000);
            });
            return Files.size(dir.resolve(name + ".mv.db"));
        }
    }

    @Test
    void sparseChunksAreRewrittenSoTheFileStopsGrowingWithEveryCommit() throws Exception {
        long left = grownFile("left-alone", false);
        long maintained = grownFile("maintained", true);

        assertThat(maintained).as("maintained %d bytes against %d left alone", maintained, left).isLessThan(left / 2);
    }

    @Test
    void anotherDatabaseIsLeftAlone() {
        TestPostgres postgres = new TestPostgres();
        try {
            EmbeddedDatabaseMaintenance maintenance = new EmbeddedDatabaseMaintenance(postgres.freshSchema());
            assertThat(maintenance.compactOnce()).isFalse();
            assertThat(maintenance.syncOnce()).isFalse();
            assertThat(maintenance.embedded()).isFalse();
        } finally {
            postgres.drop();
        }
    }
}
