package org.harbour.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.harbour.connectors.mllp.MllpClient;

/**
 * Sends over MLLP at a fixed total rate spread over several connections, for a warm-up and a
 * measured window; each send is given its scheduled time, so latency includes any queueing
 * behind a slow answer (no coordinated omission).
 */
final class FixedRate {

    /** One send on a connection: the i-th of that connection, scheduled at {@code scheduledNanos}. */
    @FunctionalInterface
    interface Send {
        void send(MllpClient client, int connection, long i, long scheduledNanos, boolean measured) throws Exception;
    }

    private FixedRate() {
    }

    static void run(int port, int rate, int connections, Duration warmup, Duration measure, Send send)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * connections / rate;
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long until = from + measure.toNanos();
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            int connection = c;
            pool.submit(() -> {
                try (MllpClient client = MllpClient.connect("127.0.0.1", port)) {
                    long next = start + intervalNanos * connection / connections;
                    for (long i = 0; next < until; i++, next += intervalNanos) {
                        while (System.nanoTime() < next) {
                            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                        }
                        send.send(client, connection, i, next, next >= from);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        pool.shutdown();
    }
}
