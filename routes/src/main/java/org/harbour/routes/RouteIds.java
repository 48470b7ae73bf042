package org.harbour.routes;

/** Route ids, queue names and header names shared by the stages. */
public final class RouteIds {

    public static final String INGEST_MLLP = "ingest-mllp";
    public static final String STORE = "store";
    public static final String DISCLOSE = "disclose";

    public static final String INBOUND_QUEUE = "harbour.inbound";
    public static final String DEAD_LETTER_QUEUE = "harbour.dlq";
    public static final String RECORDS_TOPIC = "harbour.records";
    /**
     * The JMS consumer options every stage uses: a local JMS transaction per message, kept open
     * across the route, and exposed to the route's own sends (to the next queue, the topic or the
     * dead-letter queue), so they join it: the message leaves its queue and arrives at the next in
     * one commit (one journal sync), or neither happens. Without the exposed session each send was
     * a durable send of its own, written and synced before the consumer's commit, and kept even
     * when that commit rolled back.
     */
    public static final String STAGE_CONSUMER = "transacted=true&cacheLevelName=CACHE_CONSUMER"
            + "&lazyCreateTransactionManager=false&exposeListenerSession=true";

    /** Listener name of the main MLLP listener. */
    public static final String MLLP_LISTENER = "mllp";

    /** The name of a further MLLP listener ({@code harbour.mllp.listeners.<name>}). */
    public static String mllpListener(String name) {
        return MLLP_LISTENER + "-" + name;
    }

    private RouteIds() {
    }
}
