package org.harbour.mappings.fhir;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.id.Hkid;

/**
 * What a deployment may set for translation: the time zone of timestamps without an offset
 * (per sending facility in {@code senderTimezones}, else {@code timezone}; a message whose MSH-7
 * carries an offset uses that offset first), the code tables (with overrides), the HKID
 * identifier system, assigning authorities mapped to identifier systems (e.g.
 * {@code QMH → urn:harbour:id:mrn:qmh}), and the clock that stands in for a message time the
 * message does not give.
 */
public record TranslatorSettings(ZoneId timezone, CodeTables codes, String hkidSystem,
        Map<String, String> identifierSystems, String translatorVersion, Map<String, ZoneId> senderTimezones,
        Clock clock) {

    public TranslatorSettings {
        senderTimezones = senderTimezones == null ? Map.of() : Map.copyOf(senderTimezones);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    public TranslatorSettings(ZoneId timezone, CodeTables codes, String hkidSystem, Map<String, String> identifierSystems,
            String translatorVersion) {
        this(timezone, codes, hkidSystem, identifierSystems, translatorVersion, Map.of(), Clock.systemUTC());
    }

    public static TranslatorSettings defaults() {
        return new TranslatorSettings(ZoneId.of("Asia/Hong_Kong"), CodeTables.builtIn(), Hkid.SYSTEM, Map.of(),
                TranslatorSettings.class.getPackage().getImplementationVersion() == null ? "dev"
                        : TranslatorSettings.class.getPackage().getImplementationVersion());
    }

    /** The same settings with per-sender time zones (keys: MSH-4, else MSH-3). */
    public TranslatorSettings withSenderTimezones(Map<String, ZoneId> zones) {
        return new TranslatorSettings(timezone, codes, hkidSystem, identifierSystems, translatorVersion, zones, clock);
    }

    /** The same settings reading "now" from {@code clock}. */
    public TranslatorSettings withClock(Clock clock) {
        return new TranslatorSettings(timezone, codes, hkidSystem, identifierSystems, translatorVersion, senderTimezones,
                clock);
    }

    /** The zone of a sender's timestamps that carry no offset, before any message offset is considered. */
    public ZoneId zoneOf(String sender) {
        return senderTimezones.getOrDefault(sender, timezone);
    }
}
