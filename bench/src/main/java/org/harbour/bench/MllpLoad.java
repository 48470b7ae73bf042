package org.harbour.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.harbour.connectors.mllp.Mllp;
import org.harbour.connectors.mllp.MllpFrame;
import org.harbour.connectors.mllp.MllpFrameDecoder;

/**
 * Drives many MLLP connections from ONE thread with non-blocking sockets, each connection sending
 * its next message only once the previous one was answered AA (as each EMR does). Stands in for
 * EMRs on other machines: a sender thread per connection, on the hub's own two cores, took CPU
 * the hub would not have to share in production, and the scheduler gave each of those threads
 * the same share as a listener thread serving many connections.
 */
final class MllpLoad {

    /** The message a connection sends as its {@code index}-th. */
    @FunctionalInterface
    interface Messages {
        byte[] message(int connection, long index);
    }

    private MllpLoad() {
    }

    /** Messages answered AA per second inside the measured window (after the warm-up). */
    static double run(int port, int connections, Duration warmup, Duration window, Messages messages)
            throws IOException {
        long from = System.nanoTime() + warmup.toNanos();
        long until = from + window.toNanos();
        long counted = 0;
        try (Selector selector = Selector.open()) {
            List<Sender> senders = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                Sender sender = new Sender(c, channel, messages);
                channel.register(selector, SelectionKey.OP_READ, sender);
                senders.add(sender);
            }
            try {
                for (Sender sender : senders) {
                    sender.sendNext();
                }
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                int open = connections;
                while (open > 0) {
                    selector.select(1000);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Sender sender = (Sender) key.attachment();
                        buffer.clear();
                        if (sender.channel.read(buffer) < 0) {
                            throw new IOException("the hub closed connection " + sender.connection);
                        }
                        int answered = sender.answers(buffer);
                        for (int a = 0; a < answered; a++) {
                            long now = System.nanoTime();
                            if (sender.sentAt >= from && sender.sentAt <= until) {
                                counted++;
                            }
                            if (now <= until) {
                                sender.sendNext();
                            } else {
                                key.cancel();
                                open--;
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } finally {
                for (Sender sender : senders) {
                    sender.channel.close();
                }
            }
        }
        return counted / (double) Math.max(1, window.toSeconds());
    }

    private static final class Sender {

        private final int connection;
        private final SocketChannel channel;
        private final Messages messages;
        private final MllpFrameDecoder decoder = new MllpFrameDecoder(1 << 20, (count, why) -> { });
        private final List<MllpFrame> acks = new ArrayList<>();
        private long index;
        private long sentAt;

        Sender(int connection, SocketChannel channel, Messages messages) {
            this.connection = connection;
            this.channel = channel;
            this.messages = messages;
        }

        void sendNext() throws IOException {
            ByteBuffer out = ByteBuffer.wrap(Mllp.frame(messages.message(connection, index++)));
            sentAt = System.nanoTime();
            while (out.hasRemaining()) {
                // a 3 KB message fits the socket's buffer: this loop runs once
                channel.write(out);
            }
        }

        /** How many complete answers arrived; each must be AA. */
        int answers(ByteBuffer read) {
            acks.clear();
            decoder.feed(read.array(), 0, read.position(), acks::add);
            for (MllpFrame ack : acks) {
                if (!new String(ack.payload(), StandardCharsets.UTF_8).contains("MSA|AA|")) {
                    throw new IllegalStateException("not AA on connection " + connection);
                }
            }
            return acks.size();
        }
    }
}
