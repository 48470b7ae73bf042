package org.harbour.connectors.mllp;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An MLLP listener with one thread per connection (blocking sockets): messages on a connection
 * handled in order, each answered once the handler has replied. Serves TLS listeners (and plain
 * ones when asked for no I/O threads, see {@link MllpServerConfig#ioThreads()}).
 *
 * <p>Stopping closes the listening socket, lets each connection finish the message it is
 * handling (and any it already has buffered), then closes it; connections waiting between
 * messages close at the next poll.
 */
final class MllpSocketServer extends MllpEngine {


    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private ServerSocket serverSocket;
    private ExecutorService workers;
    private Thread acceptor;

    MllpSocketServer(MllpServerConfig config, MllpAsyncHandler handler) {
        super(config, handler);
    }

    @Override
    synchronized void start() throws IOException {
        if (serverSocket != null) {
            throw new IllegalStateException("already started");
        }
        stopping.set(false);
        serverSocket = config.tls() == null ? new ServerSocket() : tlsServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(config.host(), config.port()), 256);
        workers = Executors.newCachedThreadPool(threads("mllp-" + config.name() + "-conn-"));
        acceptor = threads("mllp-" + config.name() + "-accept-").newThread(this::acceptLoop);
        acceptor.start();
        LOG.info("MLLP listener '{}' listening on {}:{}{}", config.name(), config.host(), port(),
                config.tls() == null ? "" : " with TLS (client certificates: " + config.clientAuth() + ")");
    }

    private ServerSocket tlsServerSocket() throws IOException {
        SSLServerSocket socket = (SSLServerSocket) config.tls().getServerSocketFactory().createServerSocket();
        switch (config.clientAuth()) {
            case "need" -> socket.setNeedClientAuth(true);
            case "want" -> socket.setWantClientAuth(true);
            default -> socket.setNeedClientAuth(false);
        }
        return socket;
    }

    @Override
    int port() {
        ServerSocket socket = serverSocket;
        return socket == null ? -1 : socket.getLocalPort();
    }

    @Override
    boolean isListening() {
        ServerSocket socket = serverSocket;
        return socket != null && socket.isBound() && !socket.isClosed() && !stopping.get();
    }

    @Override
    int activeConnections() {
        return connections.size();
    }

    @Override
    synchronized void stop(Duration grace) {
        if (serverSocket == null) {
            return;
        }
        stopping.set(true);
        closeQuietly(serverSocket);
        workers.shutdown();
        try {
            acceptor.join(grace.toMillis());
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("MLLP listener '{}': {} connection(s) still busy after {}; closing them",
                        config.name(), connections.size(), grace);
                connections.forEach(MllpSocketServer::closeQuietly);
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connections.forEach(MllpSocketServer::closeQuietly);
        }
        serverSocket = null;
        LOG.info("MLLP listener '{}' stopped", config.name());
    }

    private void acceptLoop() {
        ServerSocket server = serverSocket;
        while (!stopping.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!stopping.get()) {
                    LOG.error("MLLP listener '{}' cannot accept connections: {}", config.name(), e.toString());
                }
                return;
            }
            if (!admitted(socket.getInetAddress(), socket.getRemoteSocketAddress(), connections.size())) {
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            try {
                workers.execute(() -> serve(socket));
            } catch (RuntimeException rejected) {
                connections.remove(socket);
                released(socket.getInetAddress());
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        String remote = String.valueOf(socket.getRemoteSocketAddress());
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            // the TLS handshake gets the stalled timeout: a slow or distant client needs more than one poll interval
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.stalledTimeout().toMillis()));
            String peer = tlsPeer(socket);
            socket.setSoTimeout((int) config.pollInterval().toMillis());
            MllpFrameReader reader = new MllpFrameReader(socket.getInputStream(), config.maxMessageBytes(),
                    config.idleTimeout().toMillis(), config.stalledTimeout().toMillis(), stopping::get,
                    skippedFrom(remote), this::slowSender);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            MllpFrame frame;
            while ((frame = reader.next()) != null) {
                CompletableFuture<byte[]> reply = new CompletableFuture<>();
                handler.handle(new MllpReceived(frame, Instant.now(), remote, config.name(), peer), reply::complete);
                byte[] ack = reply.join();
                if (!writeAck(out, ack, remote)) {
                    return;
                }
                if (stopping.get() && !reader.hasBufferedBytes()) {
                    return;
                }
            }
        } catch (MllpTimeoutException e) {
            LOG.info("MLLP listener '{}' closed the connection from {}: {}{}", config.name(), remote, e.getMessage(),
                    e.insideFrame() ? " (the partial message was not acknowledged)" : "");
        } catch (EOFException e) {
            LOG.info("MLLP listener '{}': {} closed the connection inside a message ({}); it was not acknowledged",
                    config.name(), remote, e.getMessage());
        } catch (IOException e) {
            if (!stopping.get()) {
                LOG.info("MLLP listener '{}': connection from {} ended: {}", config.name(), remote, e.toString());
            }
        } finally {
            connections.remove(socket);
            released(socket.getInetAddress());
        }
    }

    private boolean writeAck(OutputStream out, byte[] ack, String remote) {
        if (ack.length == 0) {
            // enhanced mode: the sender wants no acknowledgement
            return true;
        }
        try {
            out.write(Mllp.START_BLOCK);
            out.write(ack);
            out.write(Mllp.END_BLOCK);
            out.write(Mllp.CARRIAGE_RETURN);
            out.flush();
            return true;
        } catch (SocketException e) {
            LOG.info("MLLP listener '{}': {} disconnected before reading its acknowledgement"
                    + " (the message was already taken; a resend is recognised as a duplicate)", config.name(), remote);
            return false;
        } catch (IOException e) {
            LOG.info("MLLP listener '{}': acknowledgement to {} failed: {}", config.name(), remote, e.toString());
            return false;
        }
    }

    private static String tlsPeer(Socket socket) throws IOException {
        if (!(socket instanceof SSLSocket ssl)) {
            return "";
        }
        ssl.startHandshake();
        try {
            return ssl.getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException noClientCertificate) {
            return "";
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(false);
            return thread;
        };
    }
}
