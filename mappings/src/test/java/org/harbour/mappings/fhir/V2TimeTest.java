package org.harbour.mappings.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class V2TimeTest {

    private final V2Time time = new V2Time(ZoneId.of("Asia/Hong_Kong"));

    @Test
    void aTimeWithoutOffsetIsInHongKongTime() {
        assertThat(time.dateTime("202611230700").getValueAsString()).isEqualTo("2026-11-23T07:00:00+08:00");
        assertThat(time.dateTime("20261123070012.5").getValueAsString()).isEqualTo("2026-11-23T07:00:12.500+08:00");
    }

    @Test
    void aGivenOffsetIsKept() {
        assertThat(time.dateTime("20261122083000-0500").getValueAsString()).isEqualTo("2026-11-22T08:30:00-05:00");
    }

    @Test
    void partialDatesStayPartial() {
        assertThat(time.dateTime("1985").getValueAsString()).isEqualTo("1985");
        assertThat(time.dateTime("198511").getValueAsString()).isEqualTo("1985-11");
        assertThat(time.date("19851127").getValueAsString()).isEqualTo("1985-11-27");
    }

    @Test
    void nonsenseIsNotADate() {
        assertThat(time.dateTime("20261340")).isNull();
        assertThat(time.dateTime("SKB")).isNull();
        assertThat(time.instant("20261122")).isNull();
    }
}
