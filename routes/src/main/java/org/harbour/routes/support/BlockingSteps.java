package org.harbour.routes.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * Runs a route step that may block (a database query, a client send) on threads of its own, so
 * that the thread that started the route (the MLLP listener's I/O thread, which serves many
 * connections) never waits for it: the route goes on, asynchronously, on the thread that did the
 * step. Measured before this existed: one resend check waiting for a database connection held up
 * every connection of its I/O thread for up to a second.
 */
public final class BlockingSteps implements AutoCloseable {

    /** A step that may block. */
    @FunctionalInterface
    public interface Step {
        void run(Exchange exchange) throws Exception;
    }

    private final ExecutorService threads;

    public BlockingSteps(String name) {
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code step} on one of these threads, then calls {@code callback} there; a failure is
     * set on the exchange. Returns false (the route continues asynchronously), or true when the
     * step could not even start (stopping) and the exchange already carries that failure.
     */
    public boolean run(Exchange exchange, AsyncCallback callback, Step step) {
        try {
            threads.execute(() -> {
                try {
                    step.run(exchange);
                } catch (Exception e) {
                    exchange.setException(e);
                }
                callback.done(false);
            });
            return false;
        } catch (RejectedExecutionException stopping) {
            exchange.setException(stopping);
            callback.done(true);
            return true;
        }
    }

    /** Lets running steps finish (up to 30 s); refuses new ones. */
    @Override
    public void close() {
        threads.shutdown();
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
