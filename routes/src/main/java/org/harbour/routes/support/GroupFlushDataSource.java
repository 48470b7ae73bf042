package org.harbour.routes.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Durable commits for the embedded H2 database at the cost of one page write for many
 * transactions. H2's MVStore has no log: with {@code WRITE_DELAY=0} every commit serialises
 * every page it changed, and on a busy hub (message store, record store, audit trail and
 * delivery receipts committing side by side) that page writing was the largest single cost.
 *
 * <p>With a write delay, commits stay in memory until the store is written. This data source
 * makes every commit wait, before it returns, until a store that began after it has been written
 * ({@code CHECKPOINT}): one flusher thread writes once for every commit that arrived while the
 * previous write ran. So a commit that returned is on disk (in the file, safe from a killed
 * process) exactly as with {@code WRITE_DELAY=0}, which is what lets a stage acknowledge its
 * queue message or a client its request afterwards; many commits share one page write.
 *
 * <p>Covers {@link Connection#commit()} and writes in auto-commit mode ({@code executeUpdate},
 * {@code executeBatch} and {@code execute}).
 */
public final class GroupFlushDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupFlushDataSource.class);
    private static final Set<String> WRITES = Set.of("executeUpdate", "executeLargeUpdate", "executeBatch",
            "executeLargeBatch", "execute");
    private static final long FLUSH_TIMEOUT_SECONDS = 60;

    private final Object lock = new Object();
    /** Tickets handed to committed transactions, and the newest ticket a finished write covers. */
    private long requested;
    private long done;
    private long flushed;
    private SQLException failure;
    private volatile boolean closed;
    private Thread flusher;
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    private final String url;
    private final String user;
    private final String password;
    private volatile Connection flushConnection;

    /**
     * @param target the pool the hub's connections come from
     * @param url, user, password the same database, for the flusher's own connection: never one of
     *     the pool's, which may all be held by commits waiting for it
     */
    public GroupFlushDataSource(DataSource target, String url, String user, String password) {
        super(target);
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Returns after a store write that began after this call has finished. */
    void awaitFlush() throws SQLException {
        long ticket;
        synchronized (lock) {
            if (flusher == null) {
                flusher = new Thread(this::flushLoop, "h2-group-flush");
                flusher.setDaemon(true);
                flusher.start();
            }
            ticket = ++requested;
            lock.notifyAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLUSH_TIMEOUT_SECONDS);
            while (done < ticket) {
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    throw new SQLException("the database write after this commit did not finish"
                            + (closed ? " (closing)" : " in " + FLUSH_TIMEOUT_SECONDS + " s"));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while the commit was being written", e);
                }
            }
            if (flushed < ticket) {
                throw new SQLException("the database write after this commit failed", failure);
            }
        }
    }

    private void flushLoop() {
        while (!closed) {
            long target;
            synchronized (lock) {
                while (requested == done && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                target = requested;
            }
            SQLException failed = null;
            try {
                if (flushConnection == null || flushConnection.isClosed()) {
                    flushConnection = java.sql.DriverManager.getConnection(url, user, password);
                }
                try (PreparedStatement checkpoint = flushConnection.prepareStatement("CHECKPOINT")) {
                    checkpoint.execute();
                }
                writes.incrementAndGet();
            } catch (SQLException e) {
                failed = e;
                LOG.error("Writing the database after a commit failed: {}", e.getMessage());
                closeQuietly();
            }
            synchronized (lock) {
                // a later successful write also covers earlier commits whose own write failed
                if (failed == null) {
                    flushed = target;
                } else {
                    failure = failed;
                }
                done = target;
                lock.notifyAll();
            }
        }
    }

    /** How many store writes the flusher made so far (each covering every commit that waited for it). */
    public long writes() {
        return writes.get();
    }

    /**
     * Stops the flusher (commits still waiting fail: their transaction may or may not be on disk),
     * then closes the pool, which closes the database and writes what is left.
     */
    @Override
    public void close() throws Exception {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        Thread running;
        synchronized (lock) {
            running = flusher;
        }
        if (running != null) {
            running.join(TimeUnit.SECONDS.toMillis(10));
        }
        closeQuietly();
        if (getTargetDataSource() instanceof AutoCloseable pool) {
            pool.close();
        }
    }

    private void closeQuietly() {
        try {
            if (flushConnection != null) {
                flushConnection.close();
            }
        } catch (SQLException e) {
            LOG.debug("Closing the flusher's connection: {}", e.getMessage());
        }
        flushConnection = null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(super.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(GroupFlushDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
                new ConnectionHandler(connection));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection target;

        ConnectionHandler(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result = call(target, method, args);
            String name = method.getName();
            if (name.equals("commit")) {
                awaitFlush();
            } else if (result instanceof Statement statement && (name.startsWith("prepare") || name.startsWith("create"))) {
                Class<?> type = name.equals("prepareCall") ? java.sql.CallableStatement.class
                        : name.equals("prepareStatement") ? PreparedStatement.class : Statement.class;
                return Proxy.newProxyInstance(GroupFlushDataSource.class.getClassLoader(), new Class<?>[] {type},
                        new StatementHandler(statement, target, (Connection) proxy));
            }
            return result;
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final Statement target;
        private final Connection connection;
        private final Connection proxyConnection;

        StatementHandler(Statement target, Connection connection, Connection proxyConnection) {
            this.target = target;
            this.connection = connection;
            this.proxyConnection = proxyConnection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("getConnection")) {
                return proxyConnection;
            }
            Object result = call(target, method, args);
            if (WRITES.contains(method.getName()) && connection.getAutoCommit()) {
                awaitFlush();
            }
            return result;
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
