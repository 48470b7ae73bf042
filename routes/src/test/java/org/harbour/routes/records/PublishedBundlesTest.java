package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.harbour.mappings.fhir.TranslatorSettings;
import org.harbour.mappings.fhir.V2ToFhir;
import org.harbour.routes.Hl7Samples;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * A published Bundle received back as the very same text is served as copies of its resources,
 * equal to what parsing the text gives; any other text is parsed.
 */
class PublishedBundlesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private final AtomicInteger parses = new AtomicInteger();
    private final Function<String, Bundle> parse = text -> {
        parses.incrementAndGet();
        return FHIR.newJsonParser().parseResource(Bundle.class, text);
    };

    /** A translated message's resources, and the collection Bundle text the translate stage publishes for them. */
    private static List<Resource> resources() {
        return new V2ToFhir(TranslatorSettings.defaults()).convert(Hl7Samples.potassium("KWC", "PB-1", 770001, "6.9", "HH")
                .getBytes(StandardCharsets.UTF_8)).bundle().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource).toList();
    }

    private static String text(String id, List<Resource> resources) {
        return resources.stream().map(r -> "{\"resource\":" + FHIR.newJsonParser().encodeResourceToString(r) + "}")
                .collect(Collectors.joining(",", "{\"resourceType\":\"Bundle\",\"id\":\"" + id
                        + "\",\"type\":\"collection\",\"entry\":[", "]}"));
    }

    private static List<String> encoded(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> FHIR.newJsonParser().encodeResourceToString(e.getResource())).toList();
    }

    /** A store of the given size holding message m-1's Bundle, published as {@link #text}. */
    private static PublishedBundles holdingM1(int capacity, List<Resource> resources) {
        PublishedBundles published = new PublishedBundles(capacity);
        published.published("m-1", text("m-1", resources), resources);
        return published;
    }

    @Test
    void theSameTextIsServedAsCopiesEqualToParsingIt() {
        List<Resource> resources = resources();
        String text = text("m-1", resources);
        PublishedBundles published = holdingM1(8, resources);

        Bundle served = published.received("m-1", text, parse);

        assertThat(parses).hasValue(0);
        assertThat(served.getIdElement().getIdPart()).isEqualTo("m-1");
        assertThat(served.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(encoded(served)).isEqualTo(encoded(FHIR.newJsonParser().parseResource(Bundle.class, text)));
        served.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Observation.class::isInstance)
                .forEach(o -> ((Observation) o).getValueQuantity().setValue(1));
        assertThat(encoded(published.received("m-1", text, parse))).as("each receipt gets its own copies")
                .isEqualTo(encoded(FHIR.newJsonParser().parseResource(Bundle.class, text)));
    }

    @Test
    void otherTextOrAnUnknownBundleIsParsed() {
        List<Resource> resources = resources();
        String text = text("m-1", resources);
        PublishedBundles published = holdingM1(1, resources);

        published.received("m-1", text.replace("6.9", "7.0"), parse);
        assertThat(parses).as("not the text published").hasValue(1);
        published.published("m-2", text("m-2", resources), resources);
        published.received("m-1", text, parse);
        assertThat(parses).as("pushed out by a newer one").hasValue(2);
        published.received("m-3", text, parse);
        assertThat(parses).hasValue(3);
    }
}
