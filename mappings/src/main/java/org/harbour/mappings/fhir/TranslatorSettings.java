package org.harbour.mappings.fhir;

import java.time.ZoneId;
import java.util.Map;
import org.harbour.mappings.codes.CodeTables;
import org.harbour.mappings.id.Hkid;

/**
 * What a deployment may set for translation: the time zone of timestamps without an offset,
 * the code tables (with overrides), the HKID identifier system, and assigning authorities mapped
 * to identifier systems (e.g. {@code QMH → urn:harbour:id:mrn:qmh}).
 */
public record TranslatorSettings(ZoneId timezone, CodeTables codes, String hkidSystem,
        Map<String, String> identifierSystems, String translatorVersion) {

    public static TranslatorSettings defaults() {
        return new TranslatorSettings(ZoneId.of("Asia/Hong_Kong"), CodeTables.builtIn(), Hkid.SYSTEM, Map.of(),
                TranslatorSettings.class.getPackage().getImplementationVersion() == null ? "dev"
                        : TranslatorSettings.class.getPackage().getImplementationVersion());
    }
}
