package org.harbour.routes.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * A message's metadata on harbour.inbound, carried as ONE message property: one
 * {@code name=value} line per header, in a form that stays readable when an operator browses the
 * queue. The broker's cost of a message grows with its number of properties (measured: eleven
 * string properties cut the embedded broker's durable write rate by about a quarter, one
 * property of the same content did not), so the metadata travels packed and the consuming stage
 * unpacks it into headers again.
 *
 * <p>In a value, {@code %}, line feed and carriage return are written as {@code %25},
 * {@code %0A} and {@code %0D}; names are header names and contain none of them nor {@code =}.
 * Messages written with one property per header (by an earlier version, or by hand) are read as
 * they are: {@link #expand} changes nothing when the packed property is absent.
 */
public final class InboundMetadata {

    /** The message property (and, until expanded, the Camel header) that holds the packed metadata. */
    public static final String PROPERTY = "HarbourMetadata";

    private InboundMetadata() {
    }

    /** Packs the String, Number and Boolean entries (others are not metadata) as text. */
    public static String pack(Map<String, ?> headers) {
        StringBuilder packed = new StringBuilder(headers.size() * 40);
        for (Map.Entry<String, ?> header : headers.entrySet()) {
            Object value = header.getValue();
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                continue;
            }
            String name = header.getKey();
            if (name.indexOf('=') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a metadata name cannot contain '=' or a line break: " + name);
            }
            packed.append(name).append('=');
            escape(value.toString(), packed);
            packed.append('\n');
        }
        return packed.toString();
    }

    /** The headers packed by {@link #pack}, in their order; values are text. */
    public static Map<String, String> unpack(String packed) {
        Map<String, String> headers = new LinkedHashMap<>();
        int start = 0;
        while (start < packed.length()) {
            int end = packed.indexOf('\n', start);
            if (end < 0) {
                end = packed.length();
            }
            int equals = packed.indexOf('=', start);
            if (equals < 0 || equals > end) {
                throw new IllegalArgumentException("metadata line " + (headers.size() + 1) + " has no '='");
            }
            headers.put(packed.substring(start, equals), unescape(packed, equals + 1, end));
            start = end + 1;
        }
        return headers;
    }

    /**
     * Replaces the packed header, when present, with the headers it holds (a header already set
     * on the message keeps its value: the packed one is older).
     */
    public static void expand(Exchange exchange) {
        Message in = exchange.getIn();
        Object packed = in.removeHeader(PROPERTY);
        if (packed instanceof String text) {
            for (Map.Entry<String, String> header : unpack(text).entrySet()) {
                if (in.getHeader(header.getKey()) == null) {
                    in.setHeader(header.getKey(), header.getValue());
                }
            }
        }
    }

    private static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case '\n' -> out.append("%0A");
                case '\r' -> out.append("%0D");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String packed, int from, int to) {
        int percent = packed.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return packed.substring(from, to);
        }
        StringBuilder value = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = packed.charAt(i);
            if (c == '%') {
                String code = i + 3 <= to ? packed.substring(i + 1, i + 3) : packed.substring(i + 1, to);
                switch (code) {
                    case "25" -> value.append('%');
                    case "0A" -> value.append('\n');
                    case "0D" -> value.append('\r');
                    default -> throw new IllegalArgumentException("bad escape %" + code + " in metadata");
                }
                i += 2;
            } else {
                value.append(c);
            }
        }
        return value.toString();
    }
}
