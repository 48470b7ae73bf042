package org.harbour.routes.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: many threads each hand over one item and wait; a few committer threads take
 * whatever is waiting (up to a count and a weight), commit it as one batch (one transaction,
 * one disk sync), and release every waiting thread with its own result.
 *
 * <p>Under load many items share one commit; a lone item is committed at once, without waiting
 * for company, so latency stays one commit. When a batch of several fails, each of its items is
 * tried again alone, so one bad item fails only itself. When {@link #submit} returns, the item
 * is committed; when it throws, the item may or may not have been (a timeout), and the caller
 * must treat it as not done — callers here are idempotent on retry.
 *
 * <p>With {@code leaders} > 0, a caller that finds a commit slot free commits its own items (with
 * any others waiting) on its own thread, instead of handing them to a committer thread and being
 * woken again: two thread switches fewer per item. That suits a store that batches concurrent
 * commits itself (a broker journal syncing many sessions' sends at once); items go to the
 * committer threads, to share their batches, only while every slot is busy. Only for batches that
 * may run on any thread (no transaction or other state bound to the caller's thread).
 *
 * <p>With a {@code linger}, a batch that begins with an item handed over by {@link #submitAsync}
 * (whose caller does not wait for the commit) waits up to that long for more items before it
 * commits, so that items arriving one by one share commits too; an item whose caller waits ends
 * the wait at once.
 *
 * @param <T> what is committed
 * @param <R> what each item's commit yields
 */
public final class GroupCommit<T, R> implements AutoCloseable {

    /** Commits a batch as one unit; returns one result per item, in order. */
    @FunctionalInterface
    public interface Batch<T, R> {
        List<R> commit(List<T> items) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final String name;
    private final Batch<T, R> batch;
    private final int maxItems;
    private final long maxWeight;
    private final ToLongFunction<T> weight;
    private final Duration timeout;
    private final LinkedBlockingQueue<Pending<T, R>> pending = new LinkedBlockingQueue<>();
    private final List<Thread> committers = new ArrayList<>();
    private final boolean callersLead;
    private final long lingerNanos;
    /** Whether a batch begun by an item whose caller waits lingers too, while commits follow each other closely. */
    private final boolean lingerAwaited;
    /** When the last commit ended (System.nanoTime), read and written by the committer threads. */
    private volatile long lastCommitEnded = System.nanoTime() - Long.MAX_VALUE / 2;
    /** One per batch being committed at a time, by a committer thread or a leading caller. */
    private final Semaphore slots;
    private volatile boolean closed;
    /** Items per committed batch (how much commits are shared), in the hub's metrics. */
    private final io.micrometer.core.instrument.DistributionSummary batchSizes;

    /**
     * @param committers how many batches may be committing at once
     * @param timeout how long {@link #submit} waits for its commit
     */
    public GroupCommit(String name, int committers, int maxItems, long maxWeight, ToLongFunction<T> weight,
            Duration timeout, Batch<T, R> batch) {
        this(name, committers, 0, maxItems, maxWeight, weight, timeout, batch);
    }

    /**
     * @param committers how many committer threads there are
     * @param leaders how many callers may commit on their own threads at once, besides the committers
     * @param timeout how long {@link #submit} waits for its commit
     */
    public GroupCommit(String name, int committers, int leaders, int maxItems, long maxWeight,
            ToLongFunction<T> weight, Duration timeout, Batch<T, R> batch) {
        this(name, committers, leaders, maxItems, maxWeight, weight, timeout, Duration.ZERO, batch);
    }

    /**
     * @param linger how long a batch begun by an item handed over with {@link #submitAsync} waits
     *     for more items (zero: not at all)
     */
    public GroupCommit(String name, int committers, int leaders, int maxItems, long maxWeight,
            ToLongFunction<T> weight, Duration timeout, Duration linger, Batch<T, R> batch) {
        this(name, committers, leaders, maxItems, maxWeight, weight, timeout, linger, false, batch);
    }

    /**
     * @param lingerAwaited whether a batch begun by an item whose caller waits lingers too, when
     *     the last commit ended less than the linger ago (commits follow each other closely: under
     *     load). Its items then wait up to the linger longer and share commits with more items:
     *     fewer, larger commits, for a store that writes much per commit whatever its size. An item
     *     arriving after a quiet spell is committed at once, so light traffic waits for nothing.
     */
    public GroupCommit(String name, int committers, int leaders, int maxItems, long maxWeight,
            ToLongFunction<T> weight, Duration timeout, Duration linger, boolean lingerAwaited, Batch<T, R> batch) {
        if (committers < 1 || maxItems < 1) {
            throw new IllegalArgumentException(name + ": at least one committer and one item a batch are needed");
        }
        this.name = name;
        this.batch = batch;
        this.maxItems = maxItems;
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.timeout = timeout;
        this.callersLead = leaders > 0;
        this.lingerNanos = linger.toNanos();
        this.lingerAwaited = lingerAwaited;
        this.slots = new Semaphore(committers + Math.max(0, leaders));
        this.batchSizes = io.micrometer.core.instrument.DistributionSummary.builder("harbour.commit.batch.items")
                .description("Items committed together in one transaction").tag("committer", name)
                .register(io.micrometer.core.instrument.Metrics.globalRegistry);
        for (int i = 0; i < committers; i++) {
            Thread committer = new Thread(this::commitLoop, name + "-commit-" + i);
            committer.setDaemon(true);
            this.committers.add(committer);
            committer.start();
        }
    }

    /** An item, its result to come, and whether its caller waits for it. */
    private record Pending<T, R>(T item, CompletableFuture<R> done, boolean awaited) {
    }

    /**
     * Hands the item to the committer threads and returns at once: the future completes with its
     * result once committed, or exceptionally when its commit failed (or this closed first).
     */
    public CompletableFuture<R> submitAsync(T item) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        Pending<T, R> entry = new Pending<>(item, new CompletableFuture<>(), false);
        pending.add(entry);
        return entry.done();
    }

    /** Commits the item (with others) and returns its result once committed. */
    public R submit(T item) throws Exception {
        return submitAll(List.of(item)).get(0);
    }

    /** Commits the items (usually in one batch) and returns their results once all are committed. */
    public List<R> submitAll(List<T> items) throws Exception {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        List<Pending<T, R>> entries = new ArrayList<>(items.size());
        for (T item : items) {
            entries.add(new Pending<>(item, new CompletableFuture<>(), true));
        }
        if (callersLead && entries.size() <= maxItems && slots.tryAcquire()) {
            List<Pending<T, R>> taken = new ArrayList<>(entries);
            try {
                collectWaiting(taken, totalWeight(taken));
                commit(taken);
            } finally {
                slots.release();
            }
        } else {
            pending.addAll(entries);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<R> results = new ArrayList<>(items.size());
        for (Pending<T, R> entry : entries) {
            try {
                results.add(entry.done().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                throw new TimeoutException(name + ": no commit within " + timeout);
            }
        }
        return results;
    }

    /** How many items are waiting for a committer. */
    public int waiting() {
        return pending.size();
    }

    private void commitLoop() {
        List<Pending<T, R>> taken = new ArrayList<>();
        while (!closed || !pending.isEmpty()) {
            try {
                Pending<T, R> first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    taken.add(first);
                    if (lingerNanos > 0 && (!first.awaited()
                            || (lingerAwaited && System.nanoTime() - lastCommitEnded < lingerNanos))) {
                        linger(taken);
                    }
                    slots.acquire();
                    try {
                        collectWaiting(taken, totalWeight(taken));
                        commit(taken);
                    } finally {
                        slots.release();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                taken.forEach(p -> p.done().completeExceptionally(e));
                return;
            } finally {
                taken.clear();
            }
        }
    }

    /** Waits up to the linger for more items, until the batch is full or an awaited item arrives. */
    private void linger(List<Pending<T, R>> taken) throws InterruptedException {
        long deadline = System.nanoTime() + lingerNanos;
        long total = totalWeight(taken);
        while (taken.size() < maxItems && total < maxWeight) {
            long left = deadline - System.nanoTime();
            Pending<T, R> next = left > 0 ? pending.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            taken.add(next);
            total += weight.applyAsLong(next.item());
            if (next.awaited() && !lingerAwaited) {
                return;
            }
        }
    }

    private long totalWeight(List<Pending<T, R>> taken) {
        long total = 0;
        for (Pending<T, R> p : taken) {
            total += weight.applyAsLong(p.item());
        }
        return total;
    }

    /** Adds what is waiting to the batch, up to the count and weight limits. */
    private void collectWaiting(List<Pending<T, R>> taken, long total) {
        Pending<T, R> next;
        while (taken.size() < maxItems && total < maxWeight && (next = pending.poll()) != null) {
            taken.add(next);
            total += weight.applyAsLong(next.item());
        }
    }

    private void commit(List<Pending<T, R>> taken) {
        batchSizes.record(taken.size());
        try {
            commitOrRetry(taken);
        } finally {
            lastCommitEnded = System.nanoTime();
        }
    }

    private void commitOrRetry(List<Pending<T, R>> taken) {
        try {
            complete(taken, batch.commit(taken.stream().map(Pending::item).toList()));
        } catch (Exception e) {
            if (taken.size() == 1) {
                taken.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.warn("{}: a batch of {} failed ({}); committing its items one by one", name, taken.size(), e.toString());
            for (Pending<T, R> one : taken) {
                try {
                    complete(List.of(one), batch.commit(List.of(one.item())));
                } catch (Exception alone) {
                    one.done().completeExceptionally(alone);
                }
            }
        }
    }

    private void complete(List<Pending<T, R>> taken, List<R> results) {
        if (results.size() != taken.size()) {
            IllegalStateException wrong = new IllegalStateException(
                    name + ": " + results.size() + " results for " + taken.size() + " items");
            taken.forEach(p -> p.done().completeExceptionally(wrong));
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            taken.get(i).done().complete(results.get(i));
        }
    }

    /** Stops taking items, commits what is waiting, and fails whatever is still left. */
    @Override
    public void close() {
        closed = true;
        for (Thread committer : committers) {
            try {
                committer.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Pending<T, R> left;
        while ((left = pending.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException(name + " closed before the commit"));
        }
    }
}
