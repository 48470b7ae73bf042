package org.harbour.connectors.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MllpSelectorServerTest extends MllpServerTest {

    @Override
    int ioThreads() {
        return 2;
    }

    @Test
    void sixtyFourConnectionsAreServedByTheTwoIoThreadsAlone() throws Exception {
        Set<String> handlingThreads = ConcurrentHashMap.newKeySet();
        MllpServerConfig config = new MllpServerConfig("io", "127.0.0.1", 0, 64, 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(50), null, "none", 2);
        try (MllpServer server = new MllpServer(config, r -> {
            handlingThreads.add(Thread.currentThread().getName());
            return r.frame().payload();
        })) {
            server.start();
            ExecutorService senders = Executors.newFixedThreadPool(64);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int c = 0; c < 64; c++) {
                    int connection = c;
                    done.add(senders.submit(() -> {
                        int answered = 0;
                        try (MllpClient client = MllpClient.connect("127.0.0.1", server.port())) {
                            for (int i = 0; i < 50; i++) {
                                byte[] payload = ("c" + connection + "-" + i).getBytes(StandardCharsets.UTF_8);
                                if (java.util.Arrays.equals(client.send(payload), payload)) {
                                    answered++;
                                }
                            }
                        }
                        return answered;
                    }));
                }
                for (Future<Integer> connection : done) {
                    assertThat(connection.get()).isEqualTo(50);
                }
            } finally {
                senders.shutdownNow();
            }
        }
        assertThat(handlingThreads).containsExactlyInAnyOrder("mllp-io-io-1", "mllp-io-io-2");
    }
}
