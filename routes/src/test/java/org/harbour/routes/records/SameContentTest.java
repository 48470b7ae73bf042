package org.harbour.routes.records;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** When a resource a message brings again is unchanged (no new version) and when it is not. */
class SameContentTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static Patient chan() {
        Patient p = new Patient();
        p.setId("p1");
        p.addIdentifier().setSystem("urn:harbour:id:hkid").setValue("A1234563");
        p.addName(new HumanName().setFamily("陳").addGiven("大文"));
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1960-01-01"));
        return p;
    }

    /** As the store reads it back: from JSON, with a version in its id and meta. */
    private static Resource stored(Resource r) {
        Resource copy = r.copy();
        copy.setId(r.fhirType() + "/" + r.getIdElement().getIdPart() + "/_history/3");
        copy.getMeta().setVersionId("3").setLastUpdated(new Date());
        return (Resource) FHIR.newJsonParser().parseResource(FHIR.newJsonParser().encodeResourceToString(copy));
    }

    @Test
    void theSameResourceReadBackIsUnchangedWhateverItsMeta() {
        assertThat(RecordStore.sameContent(stored(chan()), chan())).isTrue();
    }

    @Test
    void anEmptyElementCountsAsAbsent() {
        Patient incoming = chan();
        incoming.addTelecom();
        incoming.getNameFirstRep().addPrefix("");
        assertThat(RecordStore.sameContent(stored(chan()), incoming)).isTrue();
    }

    @Test
    void anyChangedValueIsAChange() {
        Patient moved = chan();
        moved.addAddress().setCity("九龍");
        Patient renamed = chan();
        renamed.getNameFirstRep().getGiven().get(0).setValue("小文");
        Patient otherId = chan();
        otherId.setId("p2");
        assertThat(RecordStore.sameContent(stored(chan()), moved)).isFalse();
        assertThat(RecordStore.sameContent(stored(chan()), renamed)).isFalse();
        assertThat(RecordStore.sameContent(stored(chan()), otherId)).isFalse();
    }

    @Test
    void aTimeWrittenDifferentlyIsAChangeEvenAtTheSameInstant() {
        Observation hk = new Observation();
        hk.setId("o1");
        hk.setEffective(new DateTimeType("2026-11-22T08:30:00+08:00"));
        hk.setValue(new Quantity().setValue(4.1).setUnit("mmol/L"));
        Observation utc = hk.copy();
        utc.setEffective(new DateTimeType("2026-11-22T00:30:00Z"));
        Observation moreDigits = hk.copy();
        moreDigits.setValue(new Quantity().setValue(new java.math.BigDecimal("4.10")).setUnit("mmol/L"));
        assertThat(RecordStore.sameContent(stored(hk), hk.copy())).isTrue();
        assertThat(RecordStore.sameContent(stored(hk), utc)).isFalse();
        assertThat(RecordStore.sameContent(stored(hk), moreDigits)).isFalse();
    }
}
