package org.harbour.routes.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    @Test
    void concurrentItemsShareCommitsAndEachGetsItsOwnResult() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstCommitEntered = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 100, Long.MAX_VALUE, i -> 1,
                Duration.ofSeconds(10), items -> {
                    batchSizes.add(items.size());
                    if (batchSizes.size() == 1) {
                        firstCommitEntered.countDown();
                        releaseFirst.await(10, TimeUnit.SECONDS);
                    }
                    return items.stream().map(i -> i * 10).toList();
                })) {
            ExecutorService pool = Executors.newFixedThreadPool(21);
            try {
                Future<Integer> first = pool.submit(() -> commits.submit(0));
                firstCommitEntered.await(10, TimeUnit.SECONDS);
                List<Future<Integer>> waiting = new ArrayList<>();
                for (int i = 1; i <= 20; i++) {
                    int item = i;
                    waiting.add(pool.submit(() -> commits.submit(item)));
                }
                // the 20 queue up behind the first commit, then go in together
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == 20);
                releaseFirst.countDown();
                assertThat(first.get()).isZero();
                for (int i = 0; i < 20; i++) {
                    assertThat(waiting.get(i).get()).isEqualTo((i + 1) * 10);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(batchSizes.get(0)).isEqualTo(1);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(21);
        assertThat(batchSizes.size()).isLessThan(21);
    }

    @Test
    void callersWithASlotFreeCommitOnTheirOwnThreadsAndTheRestShareTheCommittersBatch() throws Exception {
        record Commit(String thread, int size) {
        }
        List<Commit> commitsSeen = new CopyOnWriteArrayList<>();
        CountDownLatch leadersEntered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        // one committer thread and one more slot for a leading caller: two commits at once
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 1, 100, Long.MAX_VALUE, i -> 1,
                Duration.ofSeconds(10), items -> {
                    commitsSeen.add(new Commit(Thread.currentThread().getName(), items.size()));
                    if (Thread.currentThread().getName().startsWith("caller")) {
                        leadersEntered.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    }
                    return items.stream().map(i -> i * 10).toList();
                })) {
            ExecutorService pool = Executors.newFixedThreadPool(21, r -> new Thread(r, "caller"));
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int item = i;
                    results.add(pool.submit(() -> commits.submit(item)));
                }
                // both slots taken by callers committing their own items
                assertThat(leadersEntered.await(10, TimeUnit.SECONDS)).isTrue();
                for (int i = 2; i < 21; i++) {
                    int item = i;
                    results.add(pool.submit(() -> commits.submit(item)));
                }
                // the other 19 wait for the committer thread (which holds one of them, waiting for a slot)
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == 18);
                release.countDown();
                for (int i = 0; i < 21; i++) {
                    assertThat(results.get(i).get()).isEqualTo(i * 10);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(commitsSeen).containsExactlyInAnyOrder(new Commit("caller", 1), new Commit("caller", 1),
                new Commit("test-commit-0", 19));
    }

    @Test
    void aFailingItemFailsAloneWhenItsBatchIsRetriedItemByItem() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        try (GroupCommit<String, String> commits = new GroupCommit<>("test", 1, 100, Long.MAX_VALUE, s -> 1,
                Duration.ofSeconds(10), items -> {
                    calls.add(items);
                    if (items.contains("hold")) {
                        hold.await(10, TimeUnit.SECONDS);
                    }
                    if (items.contains("bad")) {
                        throw new IllegalStateException("bad item");
                    }
                    return items;
                })) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Future<String> holder = pool.submit(() -> commits.submit("hold"));
                org.awaitility.Awaitility.await().until(() -> !calls.isEmpty());
                Future<String> good1 = pool.submit(() -> commits.submit("good1"));
                Future<String> bad = pool.submit(() -> commits.submit("bad"));
                Future<String> good2 = pool.submit(() -> commits.submit("good2"));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> commits.waiting() == 3);
                hold.countDown();
                assertThat(holder.get()).isEqualTo("hold");
                assertThat(good1.get()).isEqualTo("good1");
                assertThat(good2.get()).isEqualTo("good2");
                assertThatThrownBy(bad::get).hasRootCauseMessage("bad item");
                // the three shared one batch (in the order their threads reached it), then each was tried alone
                assertThat(calls).anySatisfy(batch -> assertThat(batch).containsExactlyInAnyOrder("good1", "bad", "good2"));
                assertThat(calls).contains(List.of("good1"), List.of("bad"), List.of("good2"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aCallerGivesUpAfterTheTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (GroupCommit<String, String> commits = new GroupCommit<>("test", 1, 10, Long.MAX_VALUE, s -> 1,
                Duration.ofMillis(200), items -> {
                    never.await(2, TimeUnit.SECONDS);
                    return items;
                })) {
            assertThatThrownBy(() -> commits.submit("x")).isInstanceOf(TimeoutException.class);
        } finally {
            never.countDown();
        }
    }

    @Test
    void itemsNobodyWaitsForGatherCompanyUntilAnAwaitedItemArrives() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        Duration linger = Duration.ofSeconds(30);
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 0, 100, Long.MAX_VALUE, i -> 1,
                Duration.ofSeconds(60), linger, items -> {
                    batchSizes.add(items.size());
                    return items.stream().map(i -> i * 10).toList();
                })) {
            java.util.concurrent.CompletableFuture<Integer> a = commits.submitAsync(1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == 0);
            java.util.concurrent.CompletableFuture<Integer> b = commits.submitAsync(2);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == 0);
            assertThat(batchSizes).as("the first two wait for company, not committed alone").isEmpty();

            long start = System.nanoTime();
            assertThat(commits.submit(3)).isEqualTo(30);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("an awaited item ends the wait")
                    .isLessThan(linger.dividedBy(3));
            assertThat(batchSizes).containsExactly(3);
            assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(20);
        }
    }

    @Test
    void awaitedItemsLingerForCompanyOnlyWhileCommitsFollowEachOtherClosely() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        Duration linger = Duration.ofSeconds(30);
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", 1, 0, 2, Long.MAX_VALUE, i -> 1,
                Duration.ofSeconds(60), linger, true, items -> {
                    batchSizes.add(items.size());
                    return items.stream().map(i -> i * 10).toList();
                })) {
            // after a quiet spell a lone item is committed at once, not after the linger
            long start = System.nanoTime();
            assertThat(commits.submit(1)).isEqualTo(10);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(linger.dividedBy(3));
            assertThat(batchSizes).containsExactly(1);

            // right after that commit the next item waits for company: both share one commit
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<Integer> two = callers.submit(() -> commits.submit(2));
                java.util.concurrent.Future<Integer> three = callers.submit(() -> commits.submit(3));
                assertThat(two.get(10, TimeUnit.SECONDS)).isEqualTo(20);
                assertThat(three.get(10, TimeUnit.SECONDS)).isEqualTo(30);
            } finally {
                callers.shutdownNow();
            }
            assertThat(batchSizes).containsExactly(1, 2);
        }
    }
}
