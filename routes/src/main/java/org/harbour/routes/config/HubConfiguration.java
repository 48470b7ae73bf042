package org.harbour.routes.config;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.mappings.id.Hkid;
import org.harbour.routes.audit.AuditSigner;
import org.harbour.routes.audit.AuditTrail;
import org.harbour.routes.audit.ConfigurationAudit;
import org.harbour.routes.audit.SyslogExport;
import org.harbour.connectors.syslog.SyslogSender;
import org.harbour.routes.retention.RetentionPurge;
import org.harbour.routes.records.PatientLinks;
import org.harbour.routes.records.RecordCipher;
import org.harbour.routes.records.RecordStore;
import org.harbour.routes.security.GeneratedSecret;
import org.harbour.routes.translate.TranslateStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.ConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.harbour.routes.support.EmbeddedBrokerWriter;
import org.springframework.beans.factory.ObjectProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.harbour.connectors.mllp.MllpServerConfig;
import org.harbour.connectors.tls.TlsContexts;
import org.harbour.connectors.mllp.camel.MllpListenerComponent;
import org.harbour.mappings.hl7.AckBuilder;
import org.harbour.routes.RouteIds;
import org.harbour.routes.StageErrorHandling;
import org.harbour.routes.ingest.Acknowledgements;
import org.harbour.routes.ingest.InboundGate;
import org.harbour.routes.ingest.InboundQueueWriter;
import org.harbour.routes.ingest.IngestRoute;
import org.harbour.routes.ingest.OrderGroups;
import org.harbour.routes.ingest.ResendGuard;
import org.harbour.routes.ingest.ResendKey;
import org.harbour.routes.store.DuplicateWindow;
import org.harbour.routes.store.MessageStore;
import org.harbour.routes.store.StoreRoute;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the stages: plain beans, assembled here, so each is testable without Spring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HarbourProperties.class)
@EnableScheduling
public class HubConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HubConfiguration.class);

    /** PostgreSQL connections plan each statement for its values, on every profile ({@link PostgresPlans}). */
    @Bean
    static PostgresPlans postgresPlans() {
        return new PostgresPlans();
    }

    /** Camel's JMS component, its received messages copied without an exception ({@link HubJmsComponent}). */
    @Bean("jms")
    org.apache.camel.component.jms.JmsComponent jms(org.harbour.routes.support.BrokerSeal seal) {
        org.apache.camel.component.jms.JmsComponent jms = new org.harbour.routes.support.HubJmsComponent();
        // bodies on the broker are ciphertext (journal, paging, dead letters): BrokerSeal
        jms.setMessageConverter(seal);
        return jms;
    }

    @Bean
    org.harbour.routes.support.BrokerSeal brokerSeal(RecordCipher cipher) {
        return new org.harbour.routes.support.BrokerSeal(cipher);
    }

    @Bean
    Clock clock(HarbourProperties properties) {
        return Clock.system(properties.timezone());
    }

    @Bean
    DuplicateWindow duplicateWindow(HarbourProperties properties) {
        return new DuplicateWindow(properties.ingest().duplicateWindow());
    }

    @Bean
    MessageStore messageStore(JdbcTemplate jdbc, PlatformTransactionManager transactions, DuplicateWindow window,
            Clock clock, RecordCipher cipher) {
        return new MessageStore(jdbc, new TransactionTemplate(transactions), window, clock, cipher);
    }

    @Bean
    ResendGuard resendGuard(MessageStore store, DuplicateWindow window, Clock clock, HarbourProperties properties) {
        return new ResendGuard(store, window, Duration.ofHours(1), clock,
                properties.ingest().resendFilterKeys());
    }

    @Bean
    ResendGuardHousekeeping resendGuardHousekeeping(ResendGuard guard) {
        return new ResendGuardHousekeeping(guard);
    }

    /** Forgets in-memory resend keys once the store answers for them. */
    public record ResendGuardHousekeeping(ResendGuard guard) {
        @Scheduled(fixedDelay = 60_000)
        public void forgetOld() {
            guard.forgetOld();
            if (guard.refreshFilter()) {
                LOG.info("Resend filter loaded from the message key table");
            }
        }
    }

    @Bean
    org.harbour.routes.ingest.DiskGuard diskGuard(HarbourProperties properties) {
        return new org.harbour.routes.ingest.DiskGuard(properties.dataDir(), properties.ingest().minFreeDisk().toBytes());
    }

    @Bean
    InboundGate inboundGate(ResendGuard guard, MessageStore store, HarbourProperties properties, AuditTrail audit,
            org.harbour.routes.ingest.DiskGuard disk) {
        return new InboundGate(guard, store, properties.mllp().maxMessageSize().toBytes(), audit, disk);
    }

    @Bean("backlog")
    org.harbour.routes.health.BacklogHealthIndicator backlogHealth(ObjectProvider<EmbeddedActiveMQ> embeddedBroker,
            org.harbour.routes.ingest.DiskGuard disk, io.micrometer.core.instrument.MeterRegistry meters) {
        return new org.harbour.routes.health.BacklogHealthIndicator(embeddedBroker, disk, meters);
    }

    @Bean
    InboundQueueWriter inboundQueueWriter(ConnectionFactory connectionFactory, HarbourProperties properties,
            ObjectProvider<EmbeddedActiveMQ> embeddedBroker, org.harbour.routes.support.BrokerSeal seal) {
        // a connection of its own: ingest sends must not queue behind the stages' consumers and commits
        ConnectionFactory own = brokerFactory(connectionFactory);
        EmbeddedActiveMQ embedded = properties.ingest().postOffice() ? embeddedBroker.getIfAvailable() : null;
        EmbeddedBrokerWriter local = embedded == null ? null
                : new EmbeddedBrokerWriter(embedded.getActiveMQServer(), properties.ingest().commitTimeout(), true);
        return new InboundQueueWriter(own, local, RouteIds.INBOUND_QUEUE, properties.ingest().writers(),
                properties.ingest().commitTimeout(), new OrderGroups(properties.ingest().orderGroups()), seal);
    }

    @Bean
    Acknowledgements acknowledgements(Clock clock, HarbourProperties properties) {
        return new Acknowledgements(new AckBuilder("HARBOUR", clock),
                properties.mllp().acknowledgements().equals("as-requested"));
    }

    @Bean
    FhirContext fhirContext() {
        return org.harbour.mappings.fhir.FhirJson.context();
    }

    @Bean
    V2ToFhir translator(HarbourProperties properties) {
        return translator(properties.timezone(), properties.translation());
    }

    /** The translator as configured (the hub's, and the command line's {@code convert}). */
    public static V2ToFhir translator(java.time.ZoneId timezone, HarbourProperties.Translation translation) {
        Path overrides = translation.codeOverrides();
        return new V2ToFhir(new TranslatorSettings(timezone,
                new CodeTables(overrides != null && Files.isDirectory(overrides) ? overrides : null), Hkid.SYSTEM,
                translation.identifierSystems(), TranslatorSettings.defaults().translatorVersion())
                .withSenderTimezones(translation.timezones()));
    }

    @Bean
    RecordCipher recordCipher(HarbourProperties properties) throws IOException {
        return new RecordCipher(baseRecordKey(properties), keyringFile(properties));
    }

    /** Keeps every stored ciphertext under the keyring's current key, in the background ({@link org.harbour.routes.records.Resealing}). */
    @Bean(destroyMethod = "close")
    org.harbour.routes.records.Resealing resealing(JdbcTemplate jdbc, PlatformTransactionManager transactions,
            RecordCipher cipher, HarbourProperties properties, Clock clock) {
        org.harbour.routes.records.Resealing resealing = new org.harbour.routes.records.Resealing(jdbc,
                new TransactionTemplate(transactions), cipher, properties.records().resealBatch(), clock);
        resealing.start(properties.records().keyCheckInterval());
        return resealing;
    }

    /** The base record key (key 1): configured, in a configured file, or generated under the data directory. */
    public static byte[] baseRecordKey(HarbourProperties properties) throws IOException {
        HarbourProperties.Records records = properties.records();
        if (records.encryptionKey() != null && !records.encryptionKey().isBlank()) {
            return org.harbour.routes.records.Keyring.decode(records.encryptionKey());
        }
        if (records.encryptionKeyFile() != null) {
            return org.harbour.routes.records.Keyring.decode(Files.readString(records.encryptionKeyFile()));
        }
        if (!records.generateKey()) {
            throw new IllegalStateException("no record encryption key: set HARBOUR_RECORDS_ENCRYPTION_KEY or "
                    + "HARBOUR_RECORDS_ENCRYPTION_KEY_FILE (base64 of 32 random bytes)");
        }
        return org.harbour.routes.records.Keyring.decode(GeneratedSecret.resolve(null,
                properties.dataDir().resolve("record-key"), "record encryption key (HARBOUR_RECORDS_ENCRYPTION_KEY)"));
    }

    /** The keyring file: configured, else {@code <data-dir>/keyring}. */
    public static Path keyringFile(HarbourProperties properties) {
        Path configured = properties.records().keyringFile();
        return configured != null ? configured : properties.dataDir().resolve("keyring");
    }

    @Bean
    AuditTrail auditTrail(JdbcTemplate jdbc, PlatformTransactionManager transactions, FhirContext fhir, Clock clock,
            HarbourProperties properties) throws IOException {
        HarbourProperties.Audit audit = properties.audit();
        String seed;
        if (audit.signingKey() != null && !audit.signingKey().isBlank()) {
            seed = audit.signingKey();
        } else if (audit.signingKeyFile() != null) {
            seed = Files.readString(audit.signingKeyFile());
        } else if (audit.generateKey()) {
            seed = GeneratedSecret.resolve(null, properties.dataDir().resolve("audit-signing-key"),
                    "audit signing key (HARBOUR_AUDIT_SIGNING_KEY)");
        } else {
            throw new IllegalStateException("no audit signing key: set HARBOUR_AUDIT_SIGNING_KEY or "
                    + "HARBOUR_AUDIT_SIGNING_KEY_FILE (base64 of 32 random bytes)");
        }
        return new AuditTrail(jdbc, new TransactionTemplate(transactions), fhir, clock, AuditSigner.fromBase64(seed),
                Duration.ofSeconds(60));
    }

    @Bean
    RetentionPurge retentionPurge(JdbcTemplate jdbc, PlatformTransactionManager transactions, AuditTrail audit,
            HarbourProperties properties, Clock clock) {
        return new RetentionPurge(jdbc, new TransactionTemplate(transactions), audit, properties.retention(),
                properties.timezone(), clock);
    }

    @Bean
    EmbeddedDatabaseMaintenance embeddedDatabaseMaintenance(javax.sql.DataSource dataSource) {
        return new EmbeddedDatabaseMaintenance(dataSource);
    }

    /** Runs the embedded database's maintenance (compaction, then a sync) every {@code harbour.database.maintenance-interval} (0: never). */
    @Bean
    org.springframework.scheduling.annotation.SchedulingConfigurer embeddedDatabaseMaintenanceSchedule(
            EmbeddedDatabaseMaintenance maintenance, HarbourProperties properties) {
        Duration every = properties.database().maintenanceInterval();
        return registrar -> {
            if (!every.isZero() && !every.isNegative()) {
                registrar.addFixedDelayTask(maintenance::maintain, every);
            }
        };
    }

    @Bean
    RetentionSchedule retentionSchedule(RetentionPurge purge) {
        return new RetentionSchedule(purge);
    }

    /** Runs the retention purge every {@code harbour.retention-interval}, first one interval after start. */
    public record RetentionSchedule(RetentionPurge purge) {
        @Scheduled(fixedDelayString = "${harbour.retention-interval:6h}", initialDelayString = "${harbour.retention-interval:6h}")
        public void run() throws Exception {
            purge.purge();
        }
    }

    @Bean
    @ConditionalOnProperty(name = "harbour.audit.syslog.host")
    SyslogExport syslogExport(JdbcTemplate jdbc, FhirContext fhir, Clock clock, HarbourProperties properties)
            throws IOException, GeneralSecurityException {
        HarbourProperties.Syslog syslog = properties.audit().syslog();
        javax.net.SocketFactory sockets = syslog.tls()
                ? TlsContexts.create(syslog.keyStore(), chars(syslog.keyStorePassword()), syslog.trustStore(),
                        chars(syslog.trustStorePassword())).getSocketFactory()
                : javax.net.SocketFactory.getDefault();
        String hostname;
        try {
            hostname = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            hostname = "harbour";
        }
        return new SyslogExport(jdbc, new SyslogSender(syslog.host(), syslog.port(), sockets, Duration.ofSeconds(10),
                hostname, "harbour"), fhir, clock);
    }

    @Bean
    @ConditionalOnProperty(name = "harbour.audit.syslog.host")
    SyslogSchedule syslogSchedule(SyslogExport export) {
        return new SyslogSchedule(export);
    }

    /** Sends new audit entries to syslog every {@code harbour.audit.syslog.interval}. */
    public record SyslogSchedule(SyslogExport export) {
        @Scheduled(fixedDelayString = "${harbour.audit.syslog.interval:2s}")
        public void run() {
            export.exportNew();
        }
    }

    @Bean
    org.harbour.routes.consent.ConsentStore consentStore(RecordStore records) {
        return new org.harbour.routes.consent.ConsentStore(records);
    }

    @Bean
    org.harbour.routes.consent.ConsentPolicy consentPolicy(org.harbour.routes.consent.ConsentStore consents,
            HarbourProperties properties) {
        return new org.harbour.routes.consent.ConsentPolicy(consents, properties.timezone());
    }

    @Bean
    org.harbour.routes.disclose.Recipients recipients(HarbourProperties properties, Clock clock) {
        return new org.harbour.routes.disclose.Recipients(properties.recipients(), properties.delivery(), clock,
                new org.harbour.mappings.v2out.FhirToV2.Settings("HARBOUR", "HUB", properties.timezone(),
                        Hkid.SYSTEM, properties.translation().identifierSystems(), null));
    }

    @Bean
    org.harbour.routes.disclose.EndpointStatus endpointStatus(Clock clock, MeterRegistry meters,
            org.harbour.routes.disclose.Recipients recipients) {
        org.harbour.routes.disclose.EndpointStatus status = new org.harbour.routes.disclose.EndpointStatus(clock);
        for (String id : recipients.all().keySet()) {
            meters.gauge("harbour.delivery.endpoint.misconfigured", java.util.List.of(
                    io.micrometer.core.instrument.Tag.of("endpoint", id)), status, s -> s.isMisconfigured(id) ? 1 : 0);
        }
        return status;
    }

    @Bean
    org.harbour.routes.disclose.DiscloseStage discloseStage(org.harbour.routes.disclose.Recipients recipients,
            org.harbour.routes.consent.ConsentStore consents, org.harbour.routes.consent.ConsentPolicy policy,
            AuditTrail audit, FhirContext fhir, Clock clock, MeterRegistry meters,
            org.harbour.routes.records.PublishedBundles published) {
        return new org.harbour.routes.disclose.DiscloseStage(recipients, consents, policy, audit, fhir, clock, meters,
                published);
    }

    /** The record Bundles last published on harbour.records, decoded (a second or two of traffic). */
    @Bean
    org.harbour.routes.records.PublishedBundles publishedBundles() {
        return new org.harbour.routes.records.PublishedBundles(512);
    }

    @Bean
    org.harbour.routes.disclose.DeliverStage deliverStage(org.harbour.routes.disclose.Recipients recipients,
            org.harbour.routes.disclose.EndpointStatus endpoints, org.harbour.routes.consent.ConsentStore consents,
            org.harbour.routes.consent.ConsentPolicy policy, RecordStore records, HarbourProperties properties,
            JdbcTemplate jdbc, AuditTrail audit, MeterRegistry meters, org.apache.camel.CamelContext camel, Clock clock) {
        return new org.harbour.routes.disclose.DeliverStage(recipients, endpoints, consents, policy, records,
                new org.harbour.routes.disclose.NotificationRenderer(properties.publicBaseUrl(), properties.timezone()),
                new org.harbour.routes.disclose.DeliveryReceipts(jdbc, clock), audit, meters, camel, clock);
    }

    @Bean
    org.harbour.routes.disclose.DiscloseRoute discloseRoute() {
        return new org.harbour.routes.disclose.DiscloseRoute();
    }

    @Bean
    org.harbour.routes.disclose.DeliverRoutes deliverRoutes(org.harbour.routes.disclose.Recipients recipients,
            org.harbour.routes.disclose.DeliverStage deliverStage, ConnectionFactory connectionFactory) {
        return new org.harbour.routes.disclose.DeliverRoutes(recipients,
                deliverStage.connectionFactory(brokerFactory(connectionFactory)));
    }

    /** The broker's own connection factory behind Spring's pool (sessions held for long by one owner). */
    private static ConnectionFactory brokerFactory(ConnectionFactory connectionFactory) {
        return connectionFactory instanceof JmsPoolConnectionFactory pooled
                && pooled.getConnectionFactory() instanceof ConnectionFactory underlying ? underlying : connectionFactory;
    }

    @Bean
    StageErrorHandling deliveryErrorHandling(HarbourProperties properties, AuditTrail audit,
            org.harbour.routes.support.BrokerSeal seal) {
        HarbourProperties.Delivery d = properties.delivery();
        return new StageErrorHandling(StageErrorHandling.DELIVERY_ID, StageErrorHandling.DELIVERY_DEAD_LETTER_QUEUE,
                d.maximumAttempts(), d.initialDelay(), d.multiplier(), d.maximumDelay(),
                org.harbour.routes.disclose.DeliverStage.RefusedException.class, audit).sealingDetailsWith(seal);
    }

    @Bean
    org.harbour.routes.dedup.DedupStage dedupStage(RecordStore records, MeterRegistry meters, JdbcTemplate jdbc,
            HarbourProperties properties, Clock clock, RecordCipher cipher) {
        Path overrides = properties.translation().codeOverrides();
        org.harbour.routes.dedup.LabHistory history = new org.harbour.routes.dedup.LabHistory(jdbc, cipher);
        org.harbour.routes.dedup.TestIdentity identity = new org.harbour.routes.dedup.TestIdentity(
                new CodeTables(overrides != null && Files.isDirectory(overrides) ? overrides : null).get("lab-test-loinc"));
        org.harbour.routes.dedup.RepeatTests tests = new org.harbour.routes.dedup.RepeatTests(history, identity,
                new org.harbour.routes.dedup.DedupWindows(properties.dedup().window(), properties.dedup().windows(),
                        properties.timezone()), properties.timezone());
        return new org.harbour.routes.dedup.DedupStage(tests, history, identity, records, meters, clock);
    }

    @Bean
    ConfigurationAudit configurationAudit(JdbcTemplate jdbc, AuditTrail audit, Clock clock) {
        return new ConfigurationAudit(jdbc, audit, clock);
    }

    /** Once the hub is up, its start (and any configuration change since the last) goes into the audit trail. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void auditStart(org.springframework.boot.context.event.ApplicationReadyEvent ready) throws Exception {
        ready.getApplicationContext().getBean(ConfigurationAudit.class)
                .started(ready.getApplicationContext().getBean(HarbourProperties.class));
    }

    @Bean
    AuditCheckpoints auditCheckpoints(AuditTrail trail) {
        return new AuditCheckpoints(trail);
    }

    /** Signs the newest audit entry on a schedule, for an external witness. */
    public record AuditCheckpoints(AuditTrail trail) {
        @Scheduled(fixedDelayString = "${harbour.audit.checkpoint-interval:1m}")
        public void sign() {
            long seq = trail.checkpoint();
            if (seq > 0) {
                LOG.debug("Audit checkpoint signed at entry {}", seq);
            }
        }
    }

    @Bean
    PatientLinks patientLinks(JdbcTemplate jdbc, RecordCipher cipher, HarbourProperties properties, Clock clock) {
        return new PatientLinks(jdbc, cipher, properties.identity().linkSystems(), clock);
    }

    @Bean
    RecordStore recordStore(JdbcTemplate jdbc, PlatformTransactionManager transactions, RecordCipher cipher,
            FhirContext fhir, PatientLinks links, Clock clock, HarbourProperties properties) {
        return new RecordStore(jdbc, new TransactionTemplate(transactions), cipher, fhir, links, clock,
                properties.stages().recordWriters() > 1);
    }

    @Bean
    TranslateStage translateStage(V2ToFhir translator, RecordStore records, MessageStore messages, RecordCipher cipher,
            MeterRegistry meters, PlatformTransactionManager transactions, AuditTrail audit,
            org.harbour.routes.dedup.DedupStage dedup, HarbourProperties properties,
            org.harbour.routes.records.PublishedBundles published) {
        return new TranslateStage(translator, records, messages, cipher, meters, audit, dedup,
                new TransactionTemplate(transactions), properties.stages().recordWriters(), Duration.ofSeconds(120),
                properties.stages().recordLinger(), published);
    }

    @Bean
    StageErrorHandling stageErrorHandling(HarbourProperties properties, AuditTrail audit,
            org.harbour.routes.support.BrokerSeal seal) {
        return new StageErrorHandling(properties.stages().redelivery(), audit).sealingDetailsWith(seal);
    }

    /** The store stage's: a failed message is moved aside at once and retried later on the broker's schedule. */
    @Bean
    StageErrorHandling storeErrorHandling(HarbourProperties properties, AuditTrail audit, Clock clock,
            org.harbour.routes.support.BrokerSeal seal) {
        return StageErrorHandling.retryingLater(StageErrorHandling.STORE_ID, RouteIds.INBOUND_QUEUE,
                properties.stages().redelivery(), audit, clock).sealingDetailsWith(seal);
    }

    @Bean
    StoreRoute storeRoute() {
        return new StoreRoute();
    }

    @Bean
    @ConditionalOnProperty(name = "harbour.mllp.enabled", havingValue = "true", matchIfMissing = true)
    IngestRoute ingestRoute(InboundGate gate, InboundQueueWriter writer, Acknowledgements acknowledgements,
            HarbourProperties properties) {
        HarbourProperties.Mllp mllp = properties.mllp();
        java.util.List<IngestRoute.Listener> listeners = new java.util.ArrayList<>();
        listeners.add(new IngestRoute.Listener(RouteIds.MLLP_LISTENER, RouteIds.INGEST_MLLP,
                ResendKey.of(mllp.resendKey())));
        new java.util.TreeMap<>(mllp.listeners()).forEach((name, listener) -> listeners.add(new IngestRoute.Listener(
                RouteIds.mllpListener(name), RouteIds.INGEST_MLLP + "-" + name,
                listener.resendKey() == null || listener.resendKey().isEmpty() ? ResendKey.of(mllp.resendKey())
                        : ResendKey.of(listener.resendKey()))));
        return new IngestRoute(gate, writer, acknowledgements, listeners);
    }

    /** The inbound folders ({@code harbour.inbound-folders.<id>.*}): their files taken like MLLP messages. */
    @Bean
    org.harbour.routes.ingest.FolderIngestRoute folderIngestRoute(InboundGate gate, InboundQueueWriter writer,
            HarbourProperties properties, java.time.Clock clock) {
        return new org.harbour.routes.ingest.FolderIngestRoute(gate, writer, properties.inboundFolders(),
                properties.dataDir(), clock, ResendKey.of(properties.mllp().resendKey()));
    }

    /**
     * The MLLP listeners: the main one ({@code harbour.mllp.*}) and each of {@code
     * harbour.mllp.listeners.<name>}, which has its own port (and host, and resend key) and the
     * main one's other settings.
     */
    @Bean(MllpListenerComponent.SCHEME)
    MllpListenerComponent mllpListenerComponent(HarbourProperties properties)
            throws IOException, GeneralSecurityException {
        HarbourProperties.Mllp mllp = properties.mllp();
        MllpListenerComponent component = new MllpListenerComponent();
        SSLContext tls = tls(mllp.tls());
        component.register(listenerConfig(RouteIds.MLLP_LISTENER, mllp.host(), mllp.port(), mllp, tls));
        for (var listener : mllp.listeners().entrySet()) {
            component.register(listenerConfig(RouteIds.mllpListener(listener.getKey()),
                    listener.getValue().host() == null ? mllp.host() : listener.getValue().host(),
                    listener.getValue().port(), mllp, tls));
        }
        return component;
    }

    private static MllpServerConfig listenerConfig(String name, String host, int port, HarbourProperties.Mllp mllp,
            SSLContext tls) {
        return new MllpServerConfig(name, host, port, mllp.maxConnections(),
                (int) Math.min(Integer.MAX_VALUE - 16, mllp.maxMessageSize().toBytes()), mllp.idleTimeout(),
                mllp.stalledTimeout(), Duration.ofMillis(250), tls, mllp.tls().clientAuth(), mllp.ioThreadsOrDefault(),
                mllp.limits());
    }

    private static SSLContext tls(HarbourProperties.Tls tls) throws IOException, GeneralSecurityException {
        if (!tls.enabled()) {
            return null;
        }
        if (tls.keyStore() == null) {
            throw new IllegalStateException("harbour.mllp.tls.enabled needs harbour.mllp.tls.key-store");
        }
        return TlsContexts.create(tls.keyStore(), chars(tls.keyStorePassword()), tls.trustStore(),
                chars(tls.trustStorePassword()));
    }

    private static char[] chars(String secret) {
        return secret == null ? new char[0] : secret.toCharArray();
    }
}
