package org.harbour.routes.config;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file from growing without bound while the hub runs.
 *
 * <p>With every commit written at once ({@code WRITE_DELAY=0}, which the hub needs: a message is
 * acknowledged only after its commit) H2 runs no housekeeping of its own. Each commit writes a
 * new piece (chunk) of the file, and a chunk is freed only once none of its pages is still live;
 * under steady traffic nearly every chunk keeps one or two live pages (an index leaf not touched
 * since), so the file grew by about 300 KB a message. Each pass here rewrites the live pages of
 * the emptiest chunks, up to a limit, into the next commit's chunk, so the old ones are freed
 * (after H2's retention time) and their space reused. A pass holds H2's store lock while it
 * marks pages; the limit keeps that short.
 *
 * <p>Each pass then forces the file to the disk ({@link #syncOnce}). H2 writes its commits to the
 * operating system but never syncs them itself, so under steady load the kernel held hundreds of
 * megabytes of them and wrote them out in bursts (measured at 200 msgs/s: 190–320 MB/s for a few
 * seconds, with 28 % I/O wait), and the broker journal's syncs, which every MLLP ACK and every
 * stage's acknowledgement waits for, queued behind those bursts. Synced every second, the same
 * bytes go out evenly; and a power loss can no longer take more than about a second of commits
 * whose broker messages were already acknowledged.
 */
public class EmbeddedDatabaseMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseMaintenance.class);
    /** Chunks fuller than this (live share of their bytes, in per cent) are left alone. */
    static final int TARGET_FILL_RATE = 80;
    /** Live bytes rewritten at most per pass. */
    static final int REWRITE_PER_PASS = 2 << 20;

    private final DataSource dataSource;
    private volatile boolean embedded = true;

    public EmbeddedDatabaseMaintenance(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * One pass: when the file's chunks are on average less full than the target, rewrites the
     * live pages of the emptiest. Does nothing on a database other than embedded H2.
     *
     * @return whether anything was rewritten
     */
    public boolean compactOnce() {
        return withStore("maintenance pass", EmbeddedDatabaseMaintenance::compact);
    }

    private static boolean compact(MVStore store) {
        boolean rewrote = store.compact(TARGET_FILL_RATE, REWRITE_PER_PASS);
        if (rewrote && LOG.isDebugEnabled()) {
            LOG.debug("Embedded database: live pages of sparse chunks rewritten; file {} MB, chunks {} % full",
                    store.getFileStore().size() >> 20, store.getFileStore().getChunksFillRate());
        }
        return rewrote;
    }

    /**
     * Forces what the embedded database has written to the disk. Does nothing on a database other
     * than embedded H2.
     *
     * @return whether the file was synced
     */
    public boolean syncOnce() {
        return withStore("sync", store -> {
            store.sync();
            return true;
        });
    }

    /**
     * Runs the step on the embedded database's open store; false when there is none. A step that
     * fails is logged and reported as not done: the next pass tries again, and the database itself
     * is unaffected (until a sync succeeds the operating system still holds the writes).
     */
    private boolean withStore(String step, java.util.function.Predicate<MVStore> action) {
        if (!embedded) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            MVStore store = store(connection);
            return store != null && action.test(store);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Embedded database {} failed: {}", step, e.toString());
            return false;
        }
    }

    /** A pass: sparse chunks rewritten, then the file synced (one connection for both). */
    public void maintain() {
        withStore("maintenance pass", store -> {
            long start = System.nanoTime();
            compact(store);
            long compacted = System.nanoTime();
            store.sync();
            long synced = System.nanoTime();
            if (synced - start > SLOW_PASS_NANOS) {
                // other commits wait while a pass holds the store: worth knowing when it is long
                LOG.info("Embedded database maintenance pass took {} ms (compaction {} ms, sync {} ms)",
                        (synced - start) / 1_000_000, (compacted - start) / 1_000_000, (synced - compacted) / 1_000_000);
            }
            return true;
        });
    }

    /** A pass longer than this is logged. */
    private static final long SLOW_PASS_NANOS = 200_000_000L;

    /** The embedded database's store, or null when it is closed or the database is not embedded H2 (remembered). */
    private MVStore store(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.getDatabase().getStore() == null) {
            embedded = false;
            return null;
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.isClosed() || store.getFileStore() == null ? null : store;
    }

    /** Whether the hub's database turned out to be embedded H2 (until the first pass: assumed so). */
    public boolean embedded() {
        return embedded;
    }
}
