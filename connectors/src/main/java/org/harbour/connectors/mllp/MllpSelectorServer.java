package org.harbour.connectors.mllp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An MLLP listener on non-blocking sockets: a few I/O threads ({@link MllpServerConfig#ioThreads()})
 * each read many connections through a selector, decode their blocks and hand each message to the
 * handler on the I/O thread. The handler answers when it is done, on whatever thread finished the
 * work (for the hub: the broker's, once the journal has the message), and the acknowledgement is
 * written there, without waking the I/O thread. A connection's next message is handed on only after
 * the previous one was answered, so messages stay in order; a sender that pipelines many is read
 * no further than one block ahead until it has been answered.
 *
 * <p>Why not one thread per connection: on two cores each message then cost the connection's thread
 * a wake for the request and another for the broker's answer; here a busy I/O thread finds the
 * next request without sleeping, and the answer needs no wake at all.
 *
 * <p>Acknowledgements are written without blocking: what the socket does not take at once (a
 * client that stopped reading) waits for the I/O thread, so no thread ever blocks on a client.
 */
final class MllpSelectorServer extends MllpEngine {

    private static final int READ_CHUNK = 64 * 1024;

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private volatile ServerSocketChannel server;
    private volatile int boundPort = -1;
    private IoLoop[] loops;

    MllpSelectorServer(MllpServerConfig config, MllpAsyncHandler handler) {
        super(config, handler);
    }

    @Override
    synchronized void start() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(config.host(), config.port()), 256);
            channel.configureBlocking(false);
            loops = new IoLoop[config.ioThreads()];
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new IoLoop(i);
            }
            channel.register(loops[0].selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        server = channel;
        boundPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        for (IoLoop loop : loops) {
            loop.thread.start();
        }
        LOG.info("MLLP listener '{}' listening on {}:{} ({} I/O threads)", config.name(), config.host(), boundPort,
                loops.length);
    }

    @Override
    int port() {
        return server == null ? -1 : boundPort;
    }

    @Override
    boolean isListening() {
        ServerSocketChannel channel = server;
        return channel != null && channel.isOpen() && !stopping.get();
    }

    @Override
    int activeConnections() {
        return connections.size();
    }

    @Override
    synchronized void stop(Duration grace) {
        ServerSocketChannel channel = server;
        if (channel == null) {
            return;
        }
        stopping.set(true);
        closeQuietly(channel);
        for (IoLoop loop : loops) {
            loop.selector.wakeup();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            for (IoLoop loop : loops) {
                loop.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!connections.isEmpty()) {
            LOG.warn("MLLP listener '{}': {} connection(s) still busy after {}; closing them", config.name(),
                    connections.size(), grace);
            connections.forEach(Connection::close);
        }
        for (IoLoop loop : loops) {
            closeQuietly(loop.selector);
        }
        server = null;
        LOG.info("MLLP listener '{}' stopped", config.name());
    }

    /** One I/O thread and its selector. */
    private final class IoLoop implements Runnable {

        private final Selector selector;
        private final Thread thread;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK);
        private final long pollMillis = Math.max(1, config.pollInterval().toMillis());
        private long lastSweep = System.currentTimeMillis();

        IoLoop(int index) throws IOException {
            selector = Selector.open();
            thread = new Thread(this, "mllp-" + config.name() + "-io-" + (index + 1));
            thread.setDaemon(false);
        }

        boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        /** Runs the task on this loop's thread: now when called there, else at its next turn. */
        void execute(Runnable task) {
            tasks.add(task);
            if (!inLoop()) {
                selector.wakeup();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select(pollMillis);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    Set<SelectionKey> selected = selector.selectedKeys();
                    for (SelectionKey key : selected) {
                        try {
                            handle(key);
                        } catch (java.nio.channels.CancelledKeyException closedMeanwhile) {
                            // the connection was closed by an answering thread: nothing left to do for it
                        }
                    }
                    selected.clear();
                    while ((task = tasks.poll()) != null) {
                        task.run();
                    }
                    long now = System.currentTimeMillis();
                    if (now - lastSweep >= pollMillis || stopping.get()) {
                        lastSweep = now;
                        sweep(now);
                    }
                    if (stopping.get() && selector.keys().stream().noneMatch(SelectionKey::isValid)) {
                        return;
                    }
                }
            } catch (ClosedSelectorException closed) {
                // stopped after the grace period
            } catch (IOException | RuntimeException e) {
                LOG.error("MLLP listener '{}': I/O thread {} failed ({}); its connections are closed", config.name(),
                        thread.getName(), e.toString());
                for (SelectionKey key : selector.keys()) {
                    if (key.attachment() instanceof Connection connection) {
                        connection.close();
                    }
                }
            }
        }

        private void handle(SelectionKey key) {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                acceptAll((ServerSocketChannel) key.channel());
                return;
            }
            Connection connection = (Connection) key.attachment();
            if (key.isReadable()) {
                connection.onReadable(readBuffer);
            }
            if (key.isValid() && key.isWritable()) {
                connection.onWritable();
            }
        }

        private void acceptAll(ServerSocketChannel listening) {
            while (!stopping.get()) {
                SocketChannel channel;
                try {
                    channel = listening.accept();
                } catch (IOException e) {
                    if (!stopping.get()) {
                        LOG.error("MLLP listener '{}' cannot accept a connection: {}", config.name(), e.toString());
                    }
                    return;
                }
                if (channel == null) {
                    return;
                }
                java.net.InetAddress address = addressOf(channel);
                if (!admitted(address, remoteOf(channel), connections.size())) {
                    closeQuietly(channel);
                    continue;
                }
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                } catch (IOException e) {
                    LOG.info("MLLP listener '{}': a new connection failed at once: {}", config.name(), e.toString());
                    released(address);
                    closeQuietly(channel);
                    continue;
                }
                IoLoop loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
                Connection connection = new Connection(channel, loop, remoteOf(channel), address);
                connections.add(connection);
                loop.execute(() -> connection.register(loop.selector));
            }
        }

        /** Timeouts, and at shutdown the connections with nothing left to do. */
        private void sweep(long now) {
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.attachment() instanceof Connection connection) {
                    connection.sweep(now);
                }
            }
        }
    }

    /** One client connection; its state is changed under its lock (I/O thread and answering threads). */
    private final class Connection {

        private final SocketChannel channel;
        private final IoLoop loop;
        private final String remote;
        private final MllpFrameDecoder decoder;
        /** Received messages not yet handed to the handler. */
        private final ArrayDeque<MllpReceived> waiting = new ArrayDeque<>();
        private final Consumer<MllpFrame> received = this::received;
        private SelectionKey key;
        /** A message is with the handler, not yet answered. */
        private boolean busy;
        private boolean readPaused;
        private boolean endOfInput;
        private boolean closed;
        /** The part of an acknowledgement the socket has not taken yet. */
        private ByteBuffer unsent;
        private volatile long lastActivity = System.currentTimeMillis();
        private final java.net.InetAddress address;
        private final long openedAt = System.currentTimeMillis();
        /** Whether a whole message has arrived on this connection. */
        private boolean completedOne;

        Connection(SocketChannel channel, IoLoop loop, String remote, java.net.InetAddress address) {
            this.channel = channel;
            this.loop = loop;
            this.remote = remote;
            this.address = address;
            this.decoder = new MllpFrameDecoder(config.maxMessageBytes(), skippedFrom(remote));
        }

        synchronized void register(Selector selector) {
            try {
                key = channel.register(selector, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                LOG.info("MLLP listener '{}': connection from {} ended: {}", config.name(), remote, e.toString());
                close();
            }
        }

        /** I/O thread: reads what arrived and hands on the next message if none is with the handler. */
        void onReadable(ByteBuffer buffer) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                if (!stopping.get()) {
                    LOG.info("MLLP listener '{}': connection from {} ended: {}", config.name(), remote, e.toString());
                }
                close();
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (n < 0) {
                    endOfInput = true;
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    long partial = decoder.endOfStream();
                    if (partial >= 0) {
                        LOG.info("MLLP listener '{}': {} closed the connection inside a message (after {} bytes);"
                                + " it was not acknowledged", config.name(), remote, partial);
                    }
                } else if (n > 0) {
                    lastActivity = System.currentTimeMillis();
                    decoder.feed(buffer.array(), 0, n, lastActivity, received);
                }
            }
            next();
        }

        private void received(MllpFrame frame) {
            completedOne = true;
            waiting.add(new MllpReceived(frame, Instant.now(), remote, config.name(), ""));
        }

        /**
         * I/O thread: hands the next waiting message to the handler when none is there; pauses
         * reading while one waits behind it; closes when there is nothing more to do.
         */
        void next() {
            MllpReceived message;
            synchronized (this) {
                if (closed || busy || unsent != null) {
                    if (!closed && !waiting.isEmpty() && !readPaused && !endOfInput) {
                        readPaused = true;
                        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    }
                    return;
                }
                message = waiting.poll();
                if (message == null) {
                    if (endOfInput || (stopping.get() && !decoder.insideBlock())) {
                        closeLocked();
                    } else if (readPaused) {
                        readPaused = false;
                        key.interestOps(key.interestOps() | SelectionKey.OP_READ);
                    }
                    return;
                }
                busy = true;
            }
            Reply reply = new Reply(this);
            try {
                handler.handle(message, reply);
            } catch (RuntimeException e) {
                LOG.error("MLLP listener '{}': the handler failed ({}); closing the connection from {} unanswered",
                        config.name(), e.toString(), remote);
                if (reply.claim()) {
                    close();
                }
            }
        }

        /** Any thread: writes the acknowledgement, and lets the I/O thread go on if there is more to do. */
        void answer(byte[] ack) {
            // an empty answer (enhanced mode, the sender wants no acknowledgement) writes nothing
            ByteBuffer out = ByteBuffer.allocate(ack.length == 0 ? 0 : ack.length + 3);
            if (ack.length > 0) {
                out.put(Mllp.START_BLOCK).put(ack).put(Mllp.END_BLOCK).put(Mllp.CARRIAGE_RETURN);
            }
            out.flip();
            boolean more;
            synchronized (this) {
                busy = false;
                lastActivity = System.currentTimeMillis();
                if (closed || !wrote(out)) {
                    LOG.info("MLLP listener '{}': {} disconnected before reading its acknowledgement (the message"
                            + " was already taken; a resend is recognised as a duplicate)", config.name(), remote);
                    closeLocked();
                    return;
                }
                if (out.hasRemaining()) {
                    unsent = out;
                }
                more = unsent != null || !waiting.isEmpty() || readPaused || endOfInput || stopping.get();
            }
            if (more) {
                loop.execute(this::resume);
            }
        }

        /** Writes what the socket takes now; false when the client is gone. */
        private boolean wrote(ByteBuffer out) {
            try {
                channel.write(out);
                return true;
            } catch (IOException gone) {
                return false;
            }
        }

        /** I/O thread, after an answer: waits for the socket to take the rest, or goes on. */
        private void resume() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (unsent != null) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
            }
            next();
        }

        /** I/O thread: the socket takes more of a pending acknowledgement. */
        void onWritable() {
            synchronized (this) {
                if (closed || unsent == null) {
                    return;
                }
                try {
                    channel.write(unsent);
                } catch (IOException e) {
                    LOG.info("MLLP listener '{}': acknowledgement to {} failed: {}", config.name(), remote,
                            e.toString());
                    closeLocked();
                    return;
                }
                if (unsent.hasRemaining()) {
                    return;
                }
                unsent = null;
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            }
            next();
        }

        /** I/O thread: closes the connection after a timeout, or at shutdown once it has nothing left. */
        synchronized void sweep(long now) {
            if (closed || busy || unsent != null) {
                return;
            }
            long silent = now - lastActivity;
            String slow = slowSender(now, openedAt, completedOne, decoder.blockStartedAt(), decoder.blockBytes());
            if (slow != null && waiting.isEmpty()) {
                LOG.info("MLLP listener '{}' closed the connection from {}: {}", config.name(), remote, slow);
                closeLocked();
                return;
            }
            if (decoder.insideBlock()) {
                if (silent > config.stalledTimeout().toMillis()) {
                    LOG.info("MLLP listener '{}' closed the connection from {}: no bytes for {} ms inside an MLLP"
                            + " block (the partial message was not acknowledged)", config.name(), remote, silent);
                    closeLocked();
                }
            } else if (waiting.isEmpty()) {
                if (stopping.get()) {
                    closeLocked();
                } else if (silent > config.idleTimeout().toMillis()) {
                    LOG.info("MLLP listener '{}' closed the connection from {}: connection idle for {} ms",
                            config.name(), remote, silent);
                    closeLocked();
                }
            }
        }

        synchronized void close() {
            closeLocked();
        }

        private void closeLocked() {
            if (closed) {
                return;
            }
            closed = true;
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            connections.remove(this);
            released(address);
        }
    }

    /** The handler's answer to one message: used once. */
    private static final class Reply implements Consumer<byte[]> {

        private final Connection connection;
        private final AtomicBoolean used = new AtomicBoolean();

        Reply(Connection connection) {
            this.connection = connection;
        }

        boolean claim() {
            return used.compareAndSet(false, true);
        }

        @Override
        public void accept(byte[] ack) {
            if (claim()) {
                connection.answer(ack);
            } else {
                LOG.warn("MLLP listener: a message was answered twice; the second answer was not sent");
            }
        }
    }

    private static java.net.InetAddress addressOf(SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof java.net.InetSocketAddress inet ? inet.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String remoteOf(SocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "unknown";
        }
    }
}
