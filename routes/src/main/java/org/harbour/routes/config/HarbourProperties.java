package org.harbour.routes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import org.harbour.connectors.mllp.MllpServerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code harbour.*}. Each value can also be set by environment variable
 * (HARBOUR_MLLP_PORT, HARBOUR_API_TOKEN, ...). No secret has a default.
 */
@Validated
@ConfigurationProperties("harbour")
public record HarbourProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("Asia/Hong_Kong") ZoneId timezone,
        @DefaultValue Mllp mllp,
        @DefaultValue Ingest ingest,
        @DefaultValue Stages stages,
        @DefaultValue Api api,
        @DefaultValue Console console,
        @DefaultValue Records records,
        @DefaultValue Identity identity,
        @DefaultValue Translation translation,
        @DefaultValue Audit audit,
        @DefaultValue Auth auth,
        @DefaultValue("P7Y") Period retention,
        @DefaultValue("6h") Duration retentionInterval,
        java.util.Map<String, Recipient> recipients,
        @DefaultValue("http://localhost:8080") String publicBaseUrl,
        @DefaultValue Delivery delivery,
        @DefaultValue Dedup dedup,
        @DefaultValue Database database,
        java.util.Map<String, InboundFolder> inboundFolders) {

    /**
     * A folder clinics' systems drop HL7 v2 files into (one message, many, or FHS/BHS batches):
     * each message is taken like one sent over MLLP; the file then moves to {@code done/}, or to
     * {@code error/} with a {@code .reason} file when a message was refused. A file is read once
     * its size has stopped changing for {@code stable-for}; a file with the same name and content
     * as one read before is not read again.
     */
    public record InboundFolder(Path path, @DefaultValue("2s") Duration stableFor,
            @DefaultValue("1s") Duration pollInterval) {
    }

    /**
     * The embedded H2 database: compacted at start-up when its file is larger than
     * {@code compactAbove} (0: never; read before the context starts, by
     * {@link EmbeddedDatabaseCompaction}; bound here so that it is documented and checked); while
     * running, the live pages of its sparse chunks rewritten every {@code maintenanceInterval}
     * and the file synced to the disk ({@link EmbeddedDatabaseMaintenance}; 0: never), so that the
     * file's space is reused and its writes reach the disk evenly.
     */
    public record Database(@DefaultValue(EmbeddedDatabaseCompaction.DEFAULT_THRESHOLD)
            org.springframework.util.unit.DataSize compactAbove,
            @DefaultValue("1s") Duration maintenanceInterval) {
    }

    /**
     * Repeated lab tests: an order for a test with a final result inside {@code window} (or the
     * test's own entry in {@code windows}, keyed by LOINC or local code) raises an alert.
     */
    public record Dedup(@DefaultValue("P90D") Period window, java.util.Map<String, Period> windows) {
        public Dedup {
            windows = windows == null ? java.util.Map.of() : java.util.Map.copyOf(windows);
        }
    }

    public HarbourProperties {
        recipients = recipients == null ? java.util.Map.of() : java.util.Map.copyOf(recipients);
        inboundFolders = inboundFolders == null ? java.util.Map.of() : java.util.Map.copyOf(inboundFolders);
    }

    /**
     * A doctor or care team that may receive records (as the consent allows), and the endpoint
     * that reaches them. The id (the map key) is what consents name: {@code Practitioner/<id>}.
     * {@code mentions} are whom to @ on urgent results (DingTalk: mobile numbers);
     * {@code identifiers} are how orders name this doctor (ORC-12 ids, {@code value} or
     * {@code system|value}), so repeated-test alerts reach the doctor who ordered.
     */
    public record Recipient(String name, String organization, @DefaultValue Endpoint endpoint,
            java.util.List<String> mentions, java.util.List<String> identifiers, @DefaultValue Filters filters) {
        public Recipient {
            mentions = mentions == null ? java.util.List.of() : java.util.List.copyOf(mentions);
            identifiers = identifiers == null ? java.util.List.of() : java.util.List.copyOf(identifiers);
            filters = filters == null ? new Filters(null, null) : filters;
        }

        @Override
        public String toString() {
            return "Recipient[name=" + name + ", organization=" + organization + ", endpoint=" + endpoint
                    + ", mentions=" + mentions.size() + "]";
        }
    }

    /**
     * How a FHIR destination authenticates: {@code endpoint.auth.token}, a bearer token sent with
     * every request (by environment, never in a file); none when unset.
     */
    public record EndpointAuth(String token) {
        @Override
        public String toString() {
            return "EndpointAuth[token=" + (token == null ? "unset" : "(set)") + "]";
        }
    }

    /**
     * What a recipient is sent at all, before any consent is asked (routing, not permission):
     * only these resource types ({@code resource-types}; empty: every kind), only from these
     * sending facilities (MSH-4, {@code senders}; empty: every sender). Data, not scripts.
     */
    public record Filters(java.util.List<String> resourceTypes, java.util.List<String> senders) {
        public Filters {
            resourceTypes = resourceTypes == null ? java.util.List.of() : java.util.List.copyOf(resourceTypes);
            senders = senders == null ? java.util.List.of() : java.util.List.copyOf(senders);
        }

        /** Whether messages from this sending facility go to the recipient. */
        public boolean takesFrom(String sender) {
            return senders.isEmpty() || (sender != null && senders.stream().anyMatch(sender::equalsIgnoreCase));
        }

        /** Whether records of this type go to the recipient. */
        public boolean takes(String resourceType) {
            return resourceTypes.isEmpty() || resourceTypes.contains(resourceType);
        }
    }

    /**
     * How a recipient is reached: {@code dingtalk|slack|teams|webhook}, its URL (a secret in
     * itself: give it by environment), the signing secret (DingTalk, webhook), and how much a
     * message may say: {@code link-only|minimum|full}. A system destination is {@code mllp}:
     * {@code host}, {@code port}, the HL7 version it takes ({@code hl7-version}, 2.5.1 or 2.3.1),
     * its {@code charset} (UTF-8 or Big5), how long to wait for its ACK ({@code ack-timeout}) and
     * whether an AE is retried before it is dead-lettered ({@code retry-on-ae}); {@code file}: the
     * folder ({@code path}) another system collects the HL7 v2 files from, same version and charset.
     */
    public record Endpoint(String type, String url, String secret, @DefaultValue("minimum") String disclosure,
            String host, Integer port, @DefaultValue("2.5.1") String hl7Version, @DefaultValue("UTF-8") String charset,
            @DefaultValue("30s") Duration ackTimeout, @DefaultValue("false") boolean retryOnAe, String path,
            @DefaultValue EndpointAuth auth) {

        /** The one configuration binds (the other constructor is for code). */
        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Endpoint {
            auth = auth == null ? new EndpointAuth(null) : auth;
        }

        /** The destination, with these settings of a system destination. */
        public Endpoint(String type, String url, String secret, String disclosure, String host, Integer port,
                String hl7Version, String charset, Duration ackTimeout, boolean retryOnAe, String path) {
            this(type, url, secret, disclosure, host, port, hl7Version, charset, ackTimeout, retryOnAe, path, null);
        }

        /** A chat or workspace endpoint (the fields a system destination has are left at their defaults). */
        public Endpoint(String type, String url, String secret, String disclosure) {
            this(type, url, secret, disclosure, null, null, "2.5.1", "UTF-8", Duration.ofSeconds(30), false, null, null);
        }

        @Override
        public String toString() {
            return "Endpoint[type=" + type + ", url=" + (url == null ? "unset" : "(set)") + ", secret="
                    + (secret == null ? "unset" : "(set)") + ", disclosure=" + disclosure
                    + (host == null ? "" : ", host=" + host + ", port=" + port + ", hl7Version=" + hl7Version
                            + ", charset=" + charset) + "]";
        }
    }

    /**
     * Delivery to recipients' endpoints: the HTTP timeout, the redelivery of one message while an
     * endpoint fails (then the dead-letter queue), and DingTalk's minute (shorter only in tests).
     */
    public record Delivery(@DefaultValue("10s") Duration timeout,
            @DefaultValue("200") int maximumAttempts,
            @DefaultValue("1s") Duration initialDelay,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("5m") Duration maximumDelay,
            @DefaultValue("1m") Duration dingtalkMinute) {
    }

    /**
     * API authentication. With {@code issuerUri} (or {@code jwkSetUri}) set, bearer tokens are
     * OAuth2 JWTs from that issuer, checked for signature, expiry, issuer and (when set) audience,
     * and their SMART-style scopes decide what each request may do. The static API token serves
     * only the embedded default: {@code staticToken=false} (the production profile) refuses to
     * start without an issuer. A token with {@code adminScope} may also use the console and
     * the actuator endpoints.
     */
    public record Auth(String issuerUri, String jwkSetUri, String audience,
            @DefaultValue("true") boolean staticToken, @DefaultValue("harbour/admin") String adminScope,
            @DefaultValue Lockout lockout) {
        public boolean jwt() {
            return (issuerUri != null && !issuerUri.isBlank()) || (jwkSetUri != null && !jwkSetUri.isBlank());
        }
    }

    /**
     * Failed logins ({@code LoginThrottle}): a console account is locked out after
     * {@code accountFailures} in a row, a source address after {@code sourceFailures} refused
     * requests in a row, for {@code initial}, doubling per lockout up to {@code maximum}; failures
     * are audited one entry per source and reason per {@code auditInterval}, with a count.
     */
    public record Lockout(@DefaultValue("5") int accountFailures, @DefaultValue("50") int sourceFailures,
            @DefaultValue("30s") Duration initial, @DefaultValue("15m") Duration maximum,
            @DefaultValue("1m") Duration auditInterval) {
    }

    /**
     * The audit trail: the Ed25519 checkpoint signing key (base64 of a 32-byte seed) from the
     * environment (HARBOUR_AUDIT_SIGNING_KEY) or a file; the embedded default generates one into
     * an owner-only file; production refuses to start without one. Checkpoints are signed this often.
     */
    public record Audit(String signingKey, Path signingKeyFile, @DefaultValue("true") boolean generateKey,
            @DefaultValue("1m") Duration checkpointInterval, @DefaultValue Syslog syslog) {
        @Override
        public String toString() {
            return "Audit[signingKey=" + (signingKey == null ? "unset" : "(set)") + ", signingKeyFile=" + signingKeyFile
                    + ", generateKey=" + generateKey + ", checkpointInterval=" + checkpointInterval + ", syslog="
                    + syslog + "]";
        }
    }

    /**
     * Export of the audit trail to a SIEM as RFC 5424 syslog over TLS (RFC 5425), on when
     * {@code host} is set. The server certificate is checked against {@code trustStore} (the
     * JDK's when unset); {@code keyStore} adds a client certificate. Entries are sent in order
     * from the last position sent, so an outage delays them and loses none.
     */
    public record Syslog(String host, @DefaultValue("6514") int port, @DefaultValue("true") boolean tls,
            Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword,
            @DefaultValue("2s") Duration interval) {
        public boolean enabled() {
            return host != null && !host.isBlank();
        }

        @Override
        public String toString() {
            return "Syslog[host=" + host + ", port=" + port + ", tls=" + tls + ", trustStore=" + trustStore
                    + ", trustStorePassword=" + (trustStorePassword == null ? "unset" : "(set)") + ", keyStore="
                    + keyStore + ", keyStorePassword=" + (keyStorePassword == null ? "unset" : "(set)") + ", interval="
                    + interval + "]";
        }
    }

    /**
     * The record store's encryption key: base64 of 32 random bytes, from the environment
     * (HARBOUR_RECORDS_ENCRYPTION_KEY) or a file. Without either, the embedded default generates
     * one into an owner-only file under the data directory; production refuses to start.
     */
    public record Records(String encryptionKey, Path encryptionKeyFile, @DefaultValue("true") boolean generateKey,
            Path keyringFile, @DefaultValue("PT30S") Duration keyCheckInterval,
            @DefaultValue("500") int resealBatch) {
        @Override
        public String toString() {
            return "Records[encryptionKey=" + (encryptionKey == null ? "unset" : "(set)") + ", encryptionKeyFile="
                    + encryptionKeyFile + ", generateKey=" + generateKey + ", keyringFile=" + keyringFile
                    + ", keyCheckInterval=" + keyCheckInterval + ", resealBatch=" + resealBatch + "]";
        }
    }

    /** Patient identity: identifier systems that link a patient across institutions, strongest first. */
    public record Identity(@DefaultValue({"urn:harbour:id:hkid", "urn:harbour:id:ehr"}) java.util.List<String> linkSystems) {
    }

    /**
     * Translation: where deploy-time code-table overrides are read from, identifier systems
     * for assigning authorities (CX-4), e.g. {@code identifier-systems.QMH=urn:harbour:id:mrn:qmh},
     * and the time zone of a sending facility (MSH-4, else MSH-3) whose timestamps carry no offset
     * and whose MSH-7 has none either, e.g. {@code timezones.SFO-LAB=America/Los_Angeles}; others
     * are read in {@code harbour.timezone}.
     */
    public record Translation(@DefaultValue("config/codes") Path codeOverrides,
            java.util.Map<String, String> identifierSystems,
            java.util.Map<String, ZoneId> timezones) {
        public Translation {
            identifierSystems = identifierSystems == null ? java.util.Map.of() : java.util.Map.copyOf(identifierSystems);
            timezones = timezones == null ? java.util.Map.of() : java.util.Map.copyOf(timezones);
        }
    }

    /** The MLLP listener. */
    public record Mllp(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2575") int port,
            @DefaultValue("0.0.0.0") String host,
            @DefaultValue("256") int maxConnections,
            @DefaultValue("16MB") DataSize maxMessageSize,
            @DefaultValue("10m") Duration idleTimeout,
            @DefaultValue("60s") Duration stalledTimeout,
            @DefaultValue Tls tls,
            Integer ioThreads,
            @DefaultValue({"MSH-3", "MSH-4", "MSH-10"}) java.util.List<String> resendKey,
            java.util.Map<String, Listener> listeners,
            @DefaultValue("64") int maxConnectionsPerAddress,
            java.util.List<String> knownSenders,
            @DefaultValue("32") int reservedConnections,
            @DefaultValue("30s") Duration firstMessageTimeout,
            @DefaultValue("64") int minReceiveRate,
            @DefaultValue("10s") Duration minReceiveRateGrace,
            @DefaultValue("as-requested") String acknowledgements) {

        public Mllp {
            if (!acknowledgements.equals("as-requested") && !acknowledgements.equals("original")) {
                throw new IllegalArgumentException("harbour.mllp.acknowledgements must be as-requested (enhanced mode "
                        + "when a message's MSH-15 or MSH-16 asks for it) or original (always AA/AE/AR), not '"
                        + acknowledgements + "'");
            }
            listeners = listeners == null ? java.util.Map.of() : java.util.Map.copyOf(listeners);
            knownSenders = knownSenders == null ? java.util.List.of() : java.util.List.copyOf(knownSenders);
        }

        /** What one sender may take of a listener (see {@link MllpServerConfig.Limits}). */
        public MllpServerConfig.Limits limits() {
            java.util.Set<String> known = new java.util.HashSet<>();
            for (String sender : knownSenders) {
                try {
                    // as InetAddress writes it, so "::1" and "0:0:0:0:0:0:0:1" are one address; never a DNS lookup
                    known.add(java.net.InetAddress.getByName(literalAddress(sender)).getHostAddress());
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalArgumentException("harbour.mllp.known-senders: not an IP address: " + sender, e);
                }
            }
            return new MllpServerConfig.Limits(maxConnectionsPerAddress, known, reservedConnections, firstMessageTimeout,
                    minReceiveRate, minReceiveRateGrace);
        }

        private static String literalAddress(String sender) {
            String trimmed = sender.trim();
            if (!trimmed.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException("harbour.mllp.known-senders: not an IP address: " + sender);
            }
            return trimmed;
        }

        /** I/O threads of the plain listener: as configured, else one per core (at most four). */
        public int ioThreadsOrDefault() {
            return ioThreads == null ? MllpServerConfig.defaultIoThreads() : ioThreads;
        }
    }

    /**
     * A further MLLP listener ({@code harbour.mllp.listeners.<name>.*}), on a port of its own,
     * with its own resend key; the other settings are the main listener's.
     */
    public record Listener(int port, String host, java.util.List<String> resendKey) {
    }

    /**
     * TLS on the MLLP listener: enabled with a keystore; client certificates checked against
     * the truststore when {@code clientAuth} is {@code need} (mutual TLS) or {@code want}.
     */
    public record Tls(
            @DefaultValue("false") boolean enabled,
            Path keyStore,
            String keyStorePassword,
            Path trustStore,
            String trustStorePassword,
            @DefaultValue("none") String clientAuth) {
        @Override
        public String toString() {
            return "Tls[enabled=" + enabled + ", keyStore=" + keyStore + ", keyStorePassword="
                    + (keyStorePassword == null ? "unset" : "(set)") + ", trustStore=" + trustStore
                    + ", trustStorePassword=" + (trustStorePassword == null ? "unset" : "(set)") + ", clientAuth="
                    + clientAuth + "]";
        }
    }

    /**
     * The ingest stage: the resend window, and the writers that put received messages on the
     * inbound queue (connection threads send their own; {@code writers} committer threads batch
     * what waits when 64 are already sending; how long a sender may wait), and whether, with the
     * embedded broker, a message is written through the broker's post office instead.
     */
    public record Ingest(
            @DefaultValue("P7D") Period duplicateWindow,
            @DefaultValue("2") int writers,
            @DefaultValue("1000000") long resendFilterKeys,
            @DefaultValue("30s") Duration commitTimeout,
            @DefaultValue("true") boolean postOffice,
            @DefaultValue("1024") int orderGroups,
            @DefaultValue("1GB") DataSize minFreeDisk) {
    }

    /** Stages after ingest: their consumers and the shared redelivery policy. */
    public record Stages(@DefaultValue("8") int storeConsumers, @DefaultValue("1") int recordWriters,
            @DefaultValue("5ms") Duration recordLinger, @DefaultValue Redelivery redelivery) {
    }

    /** Redelivery before a message goes to the dead-letter queue. */
    public record Redelivery(
            @DefaultValue("5") int maximumAttempts,
            @DefaultValue("500ms") Duration initialDelay,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("30s") Duration maximumDelay) {
    }

    /** HTTP API: the static bearer token of the embedded default (HARBOUR_API_TOKEN). */
    public record Api(String token) {
        @Override
        public String toString() {
            return "Api[token=" + (token == null ? "unset" : "(set)") + "]";
        }
    }

    /** The operations console (Hawtio) login. */
    /**
     * The operations console (Hawtio) login, and the origins besides the hub's own its pages may
     * be served from (a reverse proxy's public name, {@code https://harbour.hospital.example}).
     */
    public record Console(@DefaultValue("admin") String username, String password,
            java.util.List<String> allowedOrigins) {
        public Console {
            allowedOrigins = allowedOrigins == null ? java.util.List.of() : java.util.List.copyOf(allowedOrigins);
        }

        @Override
        public String toString() {
            return "Console[username=" + username + ", password=" + (password == null ? "unset" : "(set)")
                    + ", allowedOrigins=" + allowedOrigins + "]";
        }
    }
}
