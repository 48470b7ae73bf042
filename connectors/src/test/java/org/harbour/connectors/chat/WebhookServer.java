package org.harbour.connectors.chat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local HTTP endpoint standing in for a Slack or Teams webhook or a receiver's own webhook:
 * it keeps every request (headers and body) and answers what the test sets, 200 by default.
 * {@code validate} returns an error text for a request the real service would refuse (400).
 */
public final class WebhookServer implements AutoCloseable {

    /** One request as received. */
    public record Request(Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final Function<String, String> validate;
    private final String okBody;
    private volatile int status = 200;
    private volatile String retryAfter;
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    public WebhookServer(Function<String, String> validate, String okBody) throws IOException {
        this.validate = validate;
        this.okBody = okBody;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The status to answer from now on (503 for an outage, 404 for a removed webhook, ...). */
    public void answer(int newStatus, String newRetryAfter) {
        this.status = newStatus;
        this.retryAfter = newRetryAfter;
    }

    /** Requests answered 2xx, in order. */
    public List<Request> accepted() {
        return List.copyOf(received);
    }

    /** Every request, answered 2xx or not. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int answer = status;
        String text = answer < 300 ? okBody : "error";
        String invalid = validate.apply(body);
        if (answer < 300 && invalid != null) {
            answer = 400;
            text = invalid;
        }
        if (answer < 300) {
            received.add(new Request(Map.copyOf(exchange.getRequestHeaders()), body));
        }
        if (retryAfter != null && answer == 429) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
