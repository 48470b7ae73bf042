package org.harbour.routes.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.harbour.connectors.mllp.MllpHeaders;
import org.harbour.mappings.hl7.Hl7Batch;
import org.harbour.routes.Headers;
import org.harbour.routes.config.HarbourProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound folders ({@code harbour.inbound-folders.<id>.path}): each HL7 v2 file (one message,
 * many, or an FHS/BHS batch) is split into its messages, and each goes through the same steps as
 * one sent over MLLP (the envelope check, the resend check, the durable write to harbour.inbound,
 * or the message store for a refused one). Then the file moves to {@code done/}; a file with a
 * refused message moves to {@code error/} with a {@code .reason} file naming each message's
 * outcome. A file is read only once its size has stopped changing ({@code stable-for}); a file
 * with a name and content read before is moved to {@code done/} unread. When the hub cannot take
 * a message now (broker or disk), the file stays and is read again later; a crash mid-file does
 * the same, and the messages already taken are recognised as resends, not taken twice.
 */
public class FolderIngestRoute extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FolderIngestRoute.class);
    /** Exchange property: the outcome line of each message of the file, in order. */
    private static final String OUTCOMES = "HarbourFolderOutcomes";

    private final InboundGate gate;
    private final InboundQueueWriter writer;
    private final Map<String, HarbourProperties.InboundFolder> folders;
    private final Path dataDir;
    private final Clock clock;
    private final ResendKey resendKey;
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

    public FolderIngestRoute(InboundGate gate, InboundQueueWriter writer, Map<String, HarbourProperties.InboundFolder> folders,
            Path dataDir, Clock clock, ResendKey resendKey) {
        this.gate = gate;
        this.writer = writer;
        this.folders = new java.util.TreeMap<>(folders);
        this.dataDir = dataDir;
        this.clock = clock;
        this.resendKey = resendKey;
    }

    public static String routeId(String folder) {
        return "ingest-folder-" + folder;
    }

    @Override
    public void configure() throws Exception {
        for (Map.Entry<String, HarbourProperties.InboundFolder> e : folders.entrySet()) {
            String id = e.getKey();
            HarbourProperties.InboundFolder folder = e.getValue();
            if (folder.path() == null) {
                throw new IllegalStateException("harbour.inbound-folders." + id + ".path is not set");
            }
            Path inbox = folder.path().toAbsolutePath();
            Files.createDirectories(inbox.resolve("done"));
            Files.createDirectories(inbox.resolve("error"));
            seen.put(id, loadSeen(id));
            // noop: this route moves each file itself, once its messages are safe; the read lock waits for a stable size
            from("file:" + inbox + "?noop=true&idempotent=false&recursive=false&antInclude=*&antExclude=*.reason"
                    + "&readLock=changed&readLockMinAge=" + folder.stableFor().toMillis()
                    + "&readLockCheckInterval=" + Math.max(100, folder.stableFor().toMillis() / 4)
                    + "&delay=" + folder.pollInterval().toMillis() + "&sortBy=file:modified")
                    .routeId(routeId(id))
                    .errorHandler(noErrorHandler())
                    .process(exchange -> start(exchange, id))
                    .filter(exchangeProperty(OUTCOMES).isNotNull())
                        .split().method(this, "messages").stopOnException()
                            .process(exchange -> received(exchange, id))
                            .to("direct:" + routeId(id) + "-take")
                            .process(this::outcome)
                        .end()
                        .process(exchange -> finish(exchange, id, inbox))
                    .end();
            // each message as an MLLP one is taken
            IngestRoute.take(from("direct:" + routeId(id) + "-take").routeId(routeId(id) + "-take")
                    .errorHandler(noErrorHandler()), gate, writer, resendKey, "folder-" + id);
        }
    }

    /** The messages of the file, in order (a batch's envelope left out). */
    public List<byte[]> messages(Exchange exchange) {
        return Hl7Batch.split(exchange.getIn().getBody(byte[].class));
    }

    private void start(Exchange exchange, String id) throws IOException {
        byte[] bytes = exchange.getIn().getBody(byte[].class);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String key = name + " " + sha256(bytes);
        exchange.setProperty("HarbourFolderKey", key);
        if (seen.get(id).contains(key)) {
            LOG.info("Inbound folder {}: a file read before (same name and content) is moved to done/ unread", id);
            Path file = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
            move(file, file.resolveSibling("done").resolve(stamped(name)));
            return;
        }
        exchange.setProperty(OUTCOMES, java.util.Collections.synchronizedList(new ArrayList<String>()));
    }

    private void received(Exchange exchange, String id) {
        java.time.Instant now = clock.instant();
        var in = exchange.getIn();
        in.setHeader(MllpHeaders.RECEIVED_AT, now.toString());
        exchange.setProperty(MllpHeaders.RECEIVED_INSTANT, now);
        in.setHeader(MllpHeaders.LISTENER, "folder-" + id);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        in.setHeader(MllpHeaders.REMOTE_ADDRESS, "file:" + in.getHeader(Exchange.FILE_NAME_ONLY, String.class)
                + "#" + (index == null ? 1 : index + 1));
    }

    @SuppressWarnings("unchecked")
    private void outcome(Exchange exchange) {
        Disposition d = exchange.getProperty(InboundGate.DISPOSITION, Disposition.class);
        Integer index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        String controlId = exchange.getIn().getHeader(Headers.CONTROL_ID, String.class);
        var problem = exchange.getProperty(InboundGate.PROBLEM, org.harbour.mappings.hl7.Hl7Problem.class);
        String line = "message " + (index == null ? 1 : index + 1) + " (control id " + controlId + "): " + d
                + (problem == null ? "" : " — " + problem.errorText());
        List<String> outcomes = exchange.getProperty(OUTCOMES, List.class);
        if (outcomes == null) {
            // inside the split the property is the parent's copy: found through the correlated exchange
            Exchange parent = exchange.getProperty(Exchange.CORRELATION_ID, Exchange.class);
            outcomes = parent == null ? null : parent.getProperty(OUTCOMES, List.class);
        }
        if (outcomes != null) {
            outcomes.add(line);
        }
        if (d == Disposition.NOT_NOW) {
            throw new IllegalStateException("the hub cannot take messages now: the file is read again later");
        }
    }

    @SuppressWarnings("unchecked")
    private void finish(Exchange exchange, String id, Path inbox) throws IOException {
        List<String> outcomes = exchange.getProperty(OUTCOMES, List.class);
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Path file = inbox.resolve(name);
        boolean refused = outcomes.isEmpty() || outcomes.stream().anyMatch(l -> l.contains("): REJECT"));
        String target = stamped(name);
        if (refused) {
            Path reason = inbox.resolve("error").resolve(target + ".reason");
            Files.writeString(reason, (outcomes.isEmpty() ? "no HL7 v2 message found in the file\n"
                    : String.join("\n", outcomes) + "\n"), StandardCharsets.UTF_8);
            move(file, inbox.resolve("error").resolve(target));
        } else {
            move(file, inbox.resolve("done").resolve(target));
        }
        remember(id, exchange.getProperty("HarbourFolderKey", String.class));
        LOG.info("Inbound folder {}: file of {} message(s) {}", id, outcomes.size(), refused ? "moved to error/" : "done");
    }

    /** done/ and error/ keep every file: a second file of the same name does not overwrite the first. */
    private String stamped(String name) {
        return name + "." + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS")
                .format(clock.instant().atZone(java.time.ZoneOffset.UTC));
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path seenFile(String id) {
        return dataDir.resolve("folders").resolve(id + ".seen");
    }

    private Set<String> loadSeen(String id) throws IOException {
        Set<String> keys = ConcurrentHashMap.newKeySet();
        Path file = seenFile(id);
        if (Files.exists(file)) {
            keys.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return keys;
    }

    private void remember(String id, String key) throws IOException {
        if (key == null || !seen.get(id).add(key)) {
            return;
        }
        Path file = seenFile(id);
        Files.createDirectories(file.getParent());
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
