package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Decoded stored versions are reused only for the very same bytes, and only as copies. */
class DecodedResourcesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private final AtomicInteger decodes = new AtomicInteger();

    private Supplier<DecodedResources.Decoded> decoding(String json) {
        return () -> {
            decodes.incrementAndGet();
            return new DecodedResources.Decoded((Resource) FHIR.newJsonParser().parseResource(json), json);
        };
    }

    private static String chan(String given) {
        Patient p = new Patient();
        p.setId("p1");
        p.getMeta().setVersionId("3");
        p.addIdentifier().setSystem("urn:harbour:id:hkid").setValue("A1234563");
        p.addName(new HumanName().setFamily("陳").addGiven(given));
        return FHIR.newJsonParser().encodeResourceToString(p);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameBytesAreDecodedOnceAndServedAsIndependentCopies() {
        DecodedResources cache = new DecodedResources(16);
        String json = chan("大文");
        Patient first = (Patient) cache.get("Patient/p1/_history/3", bytes(json), decoding(json)).resource();
        first.getNameFirstRep().setFamily("changed by a caller");
        DecodedResources.Decoded second = cache.get("Patient/p1/_history/3", bytes(json), decoding(json));

        assertThat(decodes).hasValue(1);
        assertThat(((Patient) second.resource()).getNameFirstRep().getFamily()).isEqualTo("陳");
        assertThat(second.resource()).isNotSameAs(first);
        assertThat(second.json()).isEqualTo(json);
    }

    @Test
    void otherBytesUnderTheSameVersionAreDecodedAgain() {
        // a version written in a transaction that rolled back, then written again with other content
        DecodedResources cache = new DecodedResources(16);
        String rolledBack = chan("大文");
        String committed = chan("小明");
        cache.get("Patient/p1/_history/3", bytes(rolledBack), decoding(rolledBack));
        Patient read = (Patient) cache.get("Patient/p1/_history/3", bytes(committed), decoding(committed)).resource();

        assertThat(decodes).hasValue(2);
        assertThat(read.getNameFirstRep().getGivenAsSingleString()).isEqualTo("小明");
    }

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        DecodedResources cache = new DecodedResources(2);
        String a = chan("A");
        String b = chan("B");
        String c = chan("C");
        cache.get("a", bytes(a), decoding(a));
        cache.get("b", bytes(b), decoding(b));
        cache.get("a", bytes(a), decoding(a));
        cache.get("c", bytes(c), decoding(c));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(decodes).hasValue(3);

        cache.get("a", bytes(a), decoding(a));
        assertThat(decodes).as("a was used more recently than b, so b went").hasValue(3);
        cache.get("b", bytes(b), decoding(b));
        assertThat(decodes).hasValue(4);
    }

    @Test
    void aVersionJustWrittenIsServedWithoutDecodingOnlyForTheBytesWritten() {
        DecodedResources cache = new DecodedResources(16);
        String json = chan("大文");
        Patient written = (Patient) FHIR.newJsonParser().parseResource(json);
        cache.put("Patient/p1/_history/3", bytes(json), written, json);
        written.getNameFirstRep().setFamily("李");

        Patient read = (Patient) cache.get("Patient/p1/_history/3", bytes(json), decoding(json)).resource();
        assertThat(decodes).hasValue(0);
        assertThat(read.getNameFirstRep().getFamily()).as("a copy taken at the write").isEqualTo("陳");

        // the write was rolled back and the version written again with other bytes: decoded afresh
        String other = chan("小明");
        Patient again = (Patient) cache.get("Patient/p1/_history/3", bytes(other), decoding(other)).resource();
        assertThat(decodes).hasValue(1);
        assertThat(again.getNameFirstRep().getGivenAsSingleString()).isEqualTo("小明");
    }
}
