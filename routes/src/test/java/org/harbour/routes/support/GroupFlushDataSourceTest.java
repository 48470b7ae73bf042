package org.harbour.routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a killed process leaves is what is in the database file: each test copies the file right
 * after a commit returned (the database still open, as at a kill -9) and reads the copy.
 */
class GroupFlushDataSourceTest {

    @TempDir
    Path dir;

    private HikariDataSource pool;
    private final List<GroupFlushDataSource> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        pool = new HikariDataSource();
        // a write delay far longer than the test: nothing reaches the file unless something writes it
        pool.setJdbcUrl("jdbc:h2:file:" + dir.resolve("live/db") + ";MODE=PostgreSQL;WRITE_DELAY=600000");
        pool.setUsername("harbour");
        pool.setMaximumPoolSize(8);
        new JdbcTemplate(pool).execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40))");
        new JdbcTemplate(pool).execute("CHECKPOINT");
    }

    @AfterEach
    void close() throws Exception {
        for (GroupFlushDataSource db : opened) {
            db.close();
        }
        pool.close();
    }

    @Test
    void aTransactionThatCommittedIsInTheFileWhenCommitReturns() throws Exception {
        GroupFlushDataSource db = flushing();
        new TransactionTemplate(new DataSourceTransactionManager(db)).executeWithoutResult(s ->
                new JdbcTemplate(db).update("INSERT INTO item VALUES (1, '陳大文')"));

        assertThat(namesInACopyOfTheFile()).containsExactly("陳大文");
    }

    @Test
    void anAutoCommitWriteIsInTheFileWhenItReturns() throws Exception {
        GroupFlushDataSource db = flushing();
        new JdbcTemplate(db).batchUpdate("INSERT INTO item VALUES (?, ?)", List.of(new Object[] {1, "a"},
                new Object[] {2, "b"}));
        new JdbcTemplate(db).update("UPDATE item SET name = 'c' WHERE id = 2");

        assertThat(namesInACopyOfTheFile()).containsExactly("a", "c");
    }

    @Test
    void withoutItACommitIsOnlyInMemory() throws Exception {
        // the control: the same commit straight through the pool is not in the file yet
        new TransactionTemplate(new DataSourceTransactionManager(pool)).executeWithoutResult(s ->
                new JdbcTemplate(pool).update("INSERT INTO item VALUES (1, 'x')"));

        assertThat(namesInACopyOfTheFile()).isEmpty();
    }

    @Test
    void concurrentCommitsAreAllWrittenAndShareWrites() throws Exception {
        GroupFlushDataSource db = flushing();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int id = i;
                done.add(threads.submit(() -> new TransactionTemplate(new DataSourceTransactionManager(db))
                        .executeWithoutResult(s -> new JdbcTemplate(db).update("INSERT INTO item VALUES (?, ?)", id,
                                "n" + id))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertThat(namesInACopyOfTheFile()).hasSize(400);
        assertThat(db.writes()).isLessThanOrEqualTo(400).isPositive();
    }

    @Test
    void readsDoNotWaitForWrites() throws Exception {
        GroupFlushDataSource db = flushing();
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM item");
                ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(q.getConnection()).isSameAs(c);
        }
        assertThat(db.writes()).isZero();
    }

    private GroupFlushDataSource flushing() {
        GroupFlushDataSource db = new GroupFlushDataSource(pool, pool.getJdbcUrl(), "harbour", "");
        opened.add(db);
        return db;
    }

    private List<String> namesInACopyOfTheFile() throws Exception {
        Path copy = dir.resolve("copy-" + System.nanoTime());
        Files.createDirectories(copy);
        Files.copy(dir.resolve("live/db.mv.db"), copy.resolve("db.mv.db"));
        try (HikariDataSource read = new HikariDataSource()) {
            read.setJdbcUrl("jdbc:h2:file:" + copy.resolve("db") + ";MODE=PostgreSQL");
            read.setUsername("harbour");
            return new JdbcTemplate(read).queryForList("SELECT name FROM item ORDER BY id", String.class);
        }
    }
}
