package org.harbour.routes;

/** Route ids, queue names and header names shared by the stages. */
public final class RouteIds {

    public static final String INGEST_MLLP = "ingest-mllp";
    public static final String STORE = "store";
    public static final String DISCLOSE = "disclose";

    public static final String INBOUND_QUEUE = "harbour.inbound";
    public static final String DEAD_LETTER_QUEUE = "harbour.dlq";
    public static final String RECORDS_TOPIC = "harbour.records";

    /** Listener name of the main MLLP listener. */
    public static final String MLLP_LISTENER = "mllp";

    private RouteIds() {
    }
}
