package org.harbour.routes.ingest;

import java.util.List;
import java.util.Locale;
import org.harbour.mappings.hl7.Hl7Envelope;

/**
 * Which envelope fields name a message for recognising its resend: by default the sending
 * application, the sending facility and the control id (MSH-3, MSH-4, MSH-10), so that two
 * applications of one facility whose counters overlap are never taken for each other. Set per
 * listener ({@code harbour.mllp.resend-key}, {@code harbour.mllp.listeners.<name>.resend-key});
 * {@code listener} adds the listener's name, for senders whose control ids are only unique on
 * one port. A key always ends with MSH-10.
 */
public record ResendKey(List<Part> parts) {

    /** MSH-3, MSH-4, MSH-10. */
    public static final ResendKey DEFAULT = new ResendKey(List.of(Part.SENDING_APPLICATION, Part.SENDING_FACILITY,
            Part.CONTROL_ID));

    /** A part of the key, by the name used in configuration. */
    public enum Part {
        SENDING_APPLICATION("MSH-3"), SENDING_FACILITY("MSH-4"), RECEIVING_APPLICATION("MSH-5"),
        RECEIVING_FACILITY("MSH-6"), CONTROL_ID("MSH-10"), LISTENER("listener");

        private final String name;

        Part(String name) {
            this.name = name;
        }

        static Part named(String name) {
            for (Part part : values()) {
                if (part.name.equalsIgnoreCase(name.trim())) {
                    return part;
                }
            }
            throw new IllegalArgumentException("resend-key part '" + name + "' is not one of MSH-3, MSH-4, MSH-5,"
                    + " MSH-6, MSH-10, listener");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public ResendKey {
        parts = List.copyOf(parts);
        if (!parts.contains(Part.CONTROL_ID)) {
            throw new IllegalArgumentException("a resend key must contain MSH-10");
        }
        if (parts.stream().distinct().count() != parts.size()) {
            throw new IllegalArgumentException("a resend key names a part twice: " + parts);
        }
    }

    /** The key from its configured names ({@code MSH-3, MSH-4, MSH-10}); null or empty: the default. */
    public static ResendKey of(List<String> names) {
        if (names == null || names.isEmpty()) {
            return DEFAULT;
        }
        return new ResendKey(names.stream().map(Part::named).toList());
    }

    /** The key of a message received on {@code listener}: the parts' values joined by '|'. */
    public String of(Hl7Envelope envelope, String listener) {
        StringBuilder key = new StringBuilder(64);
        for (Part part : parts) {
            if (key.length() > 0) {
                key.append('|');
            }
            key.append(switch (part) {
                case SENDING_APPLICATION -> envelope.sendingApplication();
                case SENDING_FACILITY -> envelope.sendingFacility();
                case RECEIVING_APPLICATION -> envelope.receivingApplication();
                case RECEIVING_FACILITY -> envelope.receivingFacility();
                case CONTROL_ID -> envelope.controlId();
                case LISTENER -> listener == null ? "" : listener.toLowerCase(Locale.ROOT);
            });
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return String.join(",", parts.stream().map(Part::toString).toList());
    }
}
