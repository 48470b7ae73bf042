package org.harbour.routes;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An Artemis server with a TCP acceptor on a free loopback port and a persistent journal in a
 * directory of its own: the external broker of the production profile, as a separate broker
 * would be (started in this JVM, reached only over TCP).
 */
public record ExternalTestBroker(EmbeddedActiveMQ server, int port, Path directory) {

    public static ExternalTestBroker start(Path directory) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // a name of its own: its JMX names must not replace those of a hub's embedded broker in the same JVM
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setName("external-test-" + port).setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setLargeMessagesDirectory(directory.resolve("large").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port));
        server.start();
        return new ExternalTestBroker(server, port, directory);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }
}
