package org.harbour.connectors.mllp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's behaviour, the same for both ways of serving connections: run for one thread per
 * connection ({@link MllpSocketServerTest}) and for the selector's I/O threads
 * ({@link MllpSelectorServerTest}).
 */
abstract class MllpServerTest {

    /** 0: one thread per connection; more: that many I/O threads. */
    abstract int ioThreads();


    private final List<String> received = new CopyOnWriteArrayList<>();
    private MllpServer server;

    private MllpServer start(MllpServerConfig config, MllpHandler handler) throws IOException {
        server = new MllpServer(config, handler);
        server.start();
        return server;
    }

    private MllpServer echoServer(Duration idle) throws IOException {
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, idle,
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        return start(config, r -> {
            String text = new String(r.frame().payload(), StandardCharsets.UTF_8);
            received.add(text);
            return ("ACK " + text).getBytes(StandardCharsets.UTF_8);
        });
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void pipelinedMessagesInOneWriteAreAllAcknowledgedInOrder() throws IOException {
        echoServer(Duration.ofSeconds(30));
        try (MllpClient client = MllpClient.connect("127.0.0.1", server.port())) {
            ByteArrayOutputStream three = new ByteArrayOutputStream();
            for (int i = 1; i <= 3; i++) {
                three.writeBytes(Mllp.frame(("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            client.writeRaw(three.toByteArray());
            assertThat(new String(client.readAck(), StandardCharsets.UTF_8)).isEqualTo("ACK m1");
            assertThat(new String(client.readAck(), StandardCharsets.UTF_8)).isEqualTo("ACK m2");
            assertThat(new String(client.readAck(), StandardCharsets.UTF_8)).isEqualTo("ACK m3");
        }
        assertThat(received).containsExactly("m1", "m2", "m3");
    }

    @Test
    void idleConnectionIsClosedByTheServer() throws IOException {
        echoServer(Duration.ofMillis(300));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void senderStalledInsideAMessageIsDisconnectedWithoutAnAck() throws IOException {
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofMillis(300), Duration.ofMillis(50), null, "none", ioThreads());
        start(config, r -> {
            received.add(new String(r.frame().payload(), StandardCharsets.UTF_8));
            return "ok".getBytes(StandardCharsets.UTF_8);
        });
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {Mllp.START_BLOCK, 'M', 'S', 'H'});
            socket.getOutputStream().flush();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void connectionsBeyondTheMaximumAreRefusedWithoutHarmingOthers() throws Exception {
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 1, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        start(config, r -> "ok".getBytes(StandardCharsets.UTF_8));
        try (MllpClient first = MllpClient.connect("127.0.0.1", server.port())) {
            assertThat(first.send("a".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
            try (MllpClient second = MllpClient.connect("127.0.0.1", server.port(), SocketFactory.getDefault(),
                    Duration.ofSeconds(5))) {
                assertThatThrownBy(() -> second.send("b".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
            }
            assertThat(first.send("c".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(server.refusedConnections()).isEqualTo(1);
    }

    @Test
    void clientThatLeavesBeforeTheAckDoesNotStopTheServer() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        start(config, r -> {
            received.add(new String(r.frame().payload(), StandardCharsets.UTF_8));
            handled.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "ok".getBytes(StandardCharsets.UTF_8);
        });
        MllpClient leaver = MllpClient.connect("127.0.0.1", server.port());
        leaver.writeRaw(Mllp.frame("gone".getBytes(StandardCharsets.UTF_8)));
        assertThat(handled.await(5, TimeUnit.SECONDS)).isTrue();
        leaver.close();
        release.countDown();
        try (MllpClient next = MllpClient.connect("127.0.0.1", server.port())) {
            assertThat(next.send("next".getBytes(StandardCharsets.UTF_8))).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(received).containsExactly("gone", "next");
    }

    @Test
    void stopFinishesTheMessageInHandBeforeClosing() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch writeDone = new CountDownLatch(1);
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        start(config, r -> {
            inHandler.countDown();
            try {
                writeDone.await(5, TimeUnit.SECONDS); // a durable write still in progress
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done".getBytes(StandardCharsets.UTF_8);
        });
        try (MllpClient client = MllpClient.connect("127.0.0.1", server.port())) {
            client.writeRaw(Mllp.frame("slow".getBytes(StandardCharsets.UTF_8)));
            assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
            MllpServer stopping = server;
            Thread stopper = new Thread(() -> stopping.stop(Duration.ofSeconds(5)));
            stopper.start();
            while (stopping.isListening()) {
                Thread.onSpinWait();
            }
            writeDone.countDown();
            assertThat(new String(client.readAck(), StandardCharsets.UTF_8)).isEqualTo("done");
            stopper.join();
        }
        assertThat(server.isListening()).isFalse();
        server = null;
    }

    @Test
    void answersGivenLaterOnAnotherThreadGoOutInOrderOneMessageAtATime() throws Exception {
        ExecutorService broker = Executors.newSingleThreadExecutor();
        AtomicInteger inHand = new AtomicInteger();
        AtomicInteger mostInHand = new AtomicInteger();
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        server = new MllpServer(config, (r, reply) -> {
            mostInHand.accumulateAndGet(inHand.incrementAndGet(), Math::max);
            String text = new String(r.frame().payload(), StandardCharsets.UTF_8);
            received.add(text);
            broker.execute(() -> {
                inHand.decrementAndGet();
                reply.accept(("ACK " + text).getBytes(StandardCharsets.UTF_8));
            });
        });
        server.start();
        try (MllpClient client = MllpClient.connect("127.0.0.1", server.port())) {
            ByteArrayOutputStream five = new ByteArrayOutputStream();
            for (int i = 1; i <= 5; i++) {
                five.writeBytes(Mllp.frame(("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            client.writeRaw(five.toByteArray());
            for (int i = 1; i <= 5; i++) {
                assertThat(new String(client.readAck(), StandardCharsets.UTF_8)).isEqualTo("ACK m" + i);
            }
            assertThat(new String(client.send("m6".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                    .isEqualTo("ACK m6");
        } finally {
            broker.shutdownNow();
        }
        assertThat(received).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(mostInHand.get()).isEqualTo(1);
    }

    @Test
    void aClientThatStopsReadingNeverBlocksTheThreadThatAnswers() throws Exception {
        ExecutorService broker = Executors.newSingleThreadExecutor();
        // far more than the two sockets' buffers hold: the rest can only go once the client reads
        byte[] hugeAck = new byte[32 * 1024 * 1024];
        java.util.Arrays.fill(hugeAck, (byte) 'A');
        CountDownLatch answerReturned = new CountDownLatch(1);
        MllpServerConfig config = new MllpServerConfig("test", "127.0.0.1", 0, 8, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", ioThreads());
        server = new MllpServer(config, (r, reply) -> {
            byte[] ack = "big".equals(new String(r.frame().payload(), StandardCharsets.UTF_8)) ? hugeAck
                    : "small".getBytes(StandardCharsets.UTF_8);
            broker.execute(() -> {
                reply.accept(ack);
                answerReturned.countDown();
            });
        });
        server.start();
        try (MllpClient client = MllpClient.connect("127.0.0.1", server.port(), SocketFactory.getDefault(),
                Duration.ofSeconds(30))) {
            client.writeRaw(Mllp.frame("big".getBytes(StandardCharsets.UTF_8)));
            // the answering thread is free again while the client has read nothing
            assertThat(answerReturned.await(10, TimeUnit.SECONDS)).isTrue();
            byte[] first = client.readAck();
            assertThat(first).isNotEmpty().containsOnly((byte) 'A');
            assertThat(client.send("next".getBytes(StandardCharsets.UTF_8))).isEqualTo("small".getBytes(
                    StandardCharsets.UTF_8));
        } finally {
            broker.shutdownNow();
        }
    }

    private MllpServer limitedServer(int maxConnections, MllpServerConfig.Limits limits) throws IOException {
        MllpServerConfig config = new MllpServerConfig("limits", "127.0.0.1", 0, maxConnections, 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(50), null, "none", ioThreads(), limits);
        return start(config, r -> ("ACK " + new String(r.frame().payload(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A connection from {@code local} (any 127.x.y.z address is this machine) to the server. */
    private Socket from(String local) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port(), java.net.InetAddress.getByName(local), 0);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String exchange(Socket socket, String message) throws IOException {
        socket.getOutputStream().write(Mllp.frame(message.getBytes(StandardCharsets.UTF_8)));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        int b = in.read();
        if (b != Mllp.START_BLOCK) {
            return "no answer (" + b + ")";
        }
        while ((b = in.read()) != Mllp.END_BLOCK && b >= 0) {
            ack.write(b);
        }
        in.read();
        return ack.toString(StandardCharsets.UTF_8);
    }

    @Test
    void twoHundredFiftySixStallingConnectionsFromOneAddressDoNotLockAnotherOut() throws IOException {
        limitedServer(256, new MllpServerConfig.Limits(64, java.util.Set.of(), 0, Duration.ofSeconds(30), 0,
                Duration.ZERO));
        List<Socket> stalling = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 256; i++) {
                Socket socket = from("127.0.0.1");
                // a message begun and never finished
                socket.getOutputStream().write(new byte[] {Mllp.START_BLOCK, 'M', 'S', 'H', '|'});
                stalling.add(socket);
            }
            try (Socket other = from("127.0.0.2")) {
                assertThat(exchange(other, "from elsewhere")).isEqualTo("ACK from elsewhere");
            }
            // accepted in order: by the time the other address was answered, every stalling one was decided
            assertThat(server.refusedConnections()).isEqualTo(256 - 64);
        } finally {
            for (Socket socket : stalling) {
                socket.close();
            }
        }
    }

    @Test
    void knownSendersKeepTheirShareWhenOthersFillTheListener() throws IOException {
        limitedServer(8, new MllpServerConfig.Limits(8, java.util.Set.of("127.0.0.3"), 2, Duration.ofSeconds(30), 0,
                Duration.ZERO));
        List<Socket> others = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                others.add(from("127.0.0.1"));
            }
            try (Socket seventh = from("127.0.0.1")) {
                assertThat(seventh.getInputStream().read()).as("the seventh unknown connection is closed").isEqualTo(-1);
            }
            try (Socket known = from("127.0.0.3")) {
                assertThat(exchange(known, "from a known sender")).isEqualTo("ACK from a known sender");
            }
            // and the unknown ones that got in are served as ever
            assertThat(exchange(others.get(0), "still here")).isEqualTo("ACK still here");
        } finally {
            for (Socket socket : others) {
                socket.close();
            }
        }
    }

    @Test
    void aSenderTricklingAMessageInIsCutOffAndItsMessageNotTaken() throws Exception {
        limitedServer(8, new MllpServerConfig.Limits(8, java.util.Set.of(), 0, Duration.ofSeconds(30), 200,
                Duration.ofMillis(300)));
        java.util.concurrent.ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket slow = from("127.0.0.1")) {
            slow.getOutputStream().write(Mllp.START_BLOCK);
            // a byte every 50 ms: 20 bytes/s, where 200 are the least accepted after the first 300 ms
            trickle.scheduleAtFixedRate(() -> {
                try {
                    slow.getOutputStream().write('x');
                } catch (IOException closed) {
                    // the server has cut it off
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            assertThat(slow.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        } finally {
            trickle.shutdownNow();
        }
        // a sender at a normal rate is not: a whole message at once
        try (Socket fast = from("127.0.0.1")) {
            assertThat(exchange(fast, "quick")).isEqualTo("ACK quick");
        }
    }

    @Test
    void aConnectionThatNeverCompletesAMessageIsClosedBeforeTheIdleTimeout() throws IOException {
        limitedServer(8, new MllpServerConfig.Limits(8, java.util.Set.of(), 0, Duration.ofMillis(300), 0,
                Duration.ZERO));
        try (Socket working = from("127.0.0.1"); Socket silent = from("127.0.0.1")) {
            assertThat(exchange(working, "first")).isEqualTo("ACK first");
            // the idle timeout is 30 s; a connection that never sent a whole message goes after 300 ms
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            // by now the first message timeout has passed for the working connection too: it is not held to it
            assertThat(exchange(working, "second")).isEqualTo("ACK second");
        }
    }
}
