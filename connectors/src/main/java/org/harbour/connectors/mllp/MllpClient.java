package org.harbour.connectors.mllp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * A blocking MLLP client: sends one message and waits for its acknowledgement. Not thread-safe;
 * use one per connection.
 */
public final class MllpClient implements AutoCloseable {

    private static final int MAX_ACK_BYTES = 1024 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final MllpFrameReader reader;

    private MllpClient(Socket socket, Duration ackTimeout) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) Math.min(ackTimeout.toMillis(), 250));
        this.out = socket.getOutputStream();
        this.reader = new MllpFrameReader(socket.getInputStream(), MAX_ACK_BYTES, ackTimeout.toMillis(),
                ackTimeout.toMillis(), () -> false, (count, why) -> { });
    }

    /**
     * Connects with the given socket factory (an SSLSocketFactory for TLS).
     *
     * @param ackTimeout how long to wait for an acknowledgement
     */
    public static MllpClient connect(String host, int port, SocketFactory factory, Duration ackTimeout)
            throws IOException {
        Socket socket = factory.createSocket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) ackTimeout.toMillis());
            return new MllpClient(socket, ackTimeout);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public static MllpClient connect(String host, int port) throws IOException {
        return connect(host, port, SocketFactory.getDefault(), Duration.ofSeconds(30));
    }

    /** Sends one message and returns the acknowledgement's payload. */
    public byte[] send(byte[] message) throws IOException {
        writeRaw(Mllp.frame(message));
        return readAck();
    }

    /** Writes bytes as they are (already framed, several frames, or deliberately broken). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Waits for the next acknowledgement. */
    public byte[] readAck() throws IOException {
        MllpFrame frame = reader.next();
        if (frame == null) {
            throw new IOException("connection closed before an acknowledgement arrived");
        }
        return frame.payload();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
