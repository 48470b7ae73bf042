package org.harbour.routes.disclose;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.harbour.connectors.chat.ChatSender;
import org.harbour.connectors.chat.DingTalkSender;
import org.harbour.connectors.chat.SlackSender;
import org.harbour.connectors.chat.TeamsSender;
import org.harbour.connectors.chat.WebhookSender;
import org.harbour.routes.config.HarbourProperties;

/** The configured recipients and, for each, the sender that reaches its endpoint (made once). */
public class Recipients {

    static final Set<String> TYPES = Set.of("dingtalk", "slack", "teams", "webhook", "mllp", "fhir", "file");
    /** The types that are systems receiving records (not people reading notifications). */
    static final Set<String> SYSTEMS = Set.of("mllp", "fhir", "file");
    static final Set<String> DISCLOSURES = Set.of("link-only", "minimum", "full");

    private final Map<String, HarbourProperties.Recipient> all;
    private final HarbourProperties.Delivery delivery;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, ChatSender> senders = new ConcurrentHashMap<>();
    private final Map<String, MllpDestination> destinations = new ConcurrentHashMap<>();
    private final Map<String, FileDestination> files = new ConcurrentHashMap<>();
    private final org.harbour.mappings.v2out.FhirToV2.Settings translation;

    public Recipients(Map<String, HarbourProperties.Recipient> recipients, HarbourProperties.Delivery delivery,
            Clock clock) {
        this(recipients, delivery, clock, org.harbour.mappings.v2out.FhirToV2.Settings.defaults());
    }

    /** @param translation how records are written as HL7 v2 for the system destinations */
    public Recipients(Map<String, HarbourProperties.Recipient> recipients, HarbourProperties.Delivery delivery,
            Clock clock, org.harbour.mappings.v2out.FhirToV2.Settings translation) {
        this.translation = translation;
        for (Map.Entry<String, HarbourProperties.Recipient> e : recipients.entrySet()) {
            check(e.getKey(), e.getValue());
        }
        this.all = new TreeMap<>(recipients);
        this.delivery = delivery;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(delivery.timeout()).build();
    }

    /** Refuses to start with a recipient that could never be reached, saying which setting is wrong. */
    private static void check(String id, HarbourProperties.Recipient r) {
        String at = "harbour.recipients." + id;
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9\\-.]{0,63}")) {
            throw new IllegalStateException(at + ": a recipient id is letters, digits, '-' and '.' (it is used in"
                    + " Practitioner/<id> and the queue name)");
        }
        HarbourProperties.Endpoint e = r.endpoint();
        if (e == null || e.type() == null || !TYPES.contains(e.type().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException(at + ".endpoint.type must be one of " + new java.util.TreeSet<>(TYPES));
        }
        if (SYSTEMS.contains(e.type().toLowerCase(Locale.ROOT)) && (r.organization() == null
                || r.organization().isBlank())) {
            throw new IllegalStateException(at + ".organization must name the system's institution (consents"
                    + " name it as Organization/<id>)");
        }
        if (e.type().equalsIgnoreCase("file")) {
            if (e.path() == null || e.path().isBlank()) {
                throw new IllegalStateException(at + ".endpoint.path must name the folder the files are written to");
            }
            checkHl7(at, e);
            return;
        }
        if (e.type().equalsIgnoreCase("mllp")) {
            if (e.host() == null || e.host().isBlank() || e.port() == null || e.port() < 1 || e.port() > 65535) {
                throw new IllegalStateException(at + ".endpoint.host and .endpoint.port must name the system's MLLP"
                        + " listener");
            }
            checkHl7(at, e);
            return;
        }
        if (e.url() == null || !(e.url().startsWith("https://") || e.url().startsWith("http://"))) {
            throw new IllegalStateException(at + ".endpoint.url must be an http(s) URL");
        }
        if ((e.type().equalsIgnoreCase("dingtalk") || e.type().equalsIgnoreCase("webhook"))
                && (e.secret() == null || e.secret().isBlank())) {
            throw new IllegalStateException(at + ".endpoint.secret is required for " + e.type() + " (signing)");
        }
        if (!DISCLOSURES.contains(e.disclosure())) {
            throw new IllegalStateException(at + ".endpoint.disclosure must be one of " + new java.util.TreeSet<>(DISCLOSURES));
        }
    }

    /** The HL7 v2 a destination takes: a version and a charset Harbour writes. */
    private static void checkHl7(String at, HarbourProperties.Endpoint e) {
        if (!Set.of("2.5.1", "2.3.1").contains(e.hl7Version())) {
            throw new IllegalStateException(at + ".endpoint.hl7-version must be 2.5.1 or 2.3.1");
        }
        try {
            MllpDestination.charset(e.charset());
        } catch (IllegalArgumentException bad) {
            throw new IllegalStateException(at + ".endpoint.charset must be UTF-8 or Big5");
        }
    }

    /** The writer of a file destination. */
    public FileDestination fileDestination(String id) {
        return files.computeIfAbsent(id, k -> new FileDestination(k, all.get(k).endpoint(), destination(k)));
    }

    public Map<String, HarbourProperties.Recipient> all() {
        return all;
    }

    public HarbourProperties.Recipient get(String id) {
        return all.get(id);
    }

    public ChatSender sender(String id) {
        return senders.computeIfAbsent(id, k -> {
            HarbourProperties.Endpoint e = all.get(k).endpoint();
            URI url = URI.create(e.url());
            return switch (e.type().toLowerCase(Locale.ROOT)) {
                case "dingtalk" -> new DingTalkSender(url, e.secret(), http, delivery.timeout(), clock,
                        delivery.dingtalkMinute());
                case "slack" -> new SlackSender(url, http, delivery.timeout());
                case "teams" -> new TeamsSender(url, http, delivery.timeout());
                default -> new WebhookSender(url, e.secret(), http, delivery.timeout(), clock);
            };
        });
    }

    /** Whether the recipient is a system receiving records (HL7 v2 over MLLP, a FHIR server), not a person's chat. */
    public boolean isSystem(String id) {
        HarbourProperties.Recipient r = all.get(id);
        return r != null && SYSTEMS.contains(r.endpoint().type().toLowerCase(Locale.ROOT));
    }

    /** The sender of a system destination. */
    public MllpDestination destination(String id) {
        return destinations.computeIfAbsent(id, k -> new MllpDestination(k, all.get(k).endpoint(), translation));
    }

    public static String queueOf(String recipient) {
        return "harbour.outbound." + recipient;
    }
}
