package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyFilterTest {

    @Test
    void everyAddedKeyIsRecognisedAndFewOthersAre() {
        KeyFilter filter = new KeyFilter(100_000);
        for (int i = 0; i < 100_000; i++) {
            filter.add("KWC|MSG" + i);
        }
        for (int i = 0; i < 100_000; i++) {
            assertThat(filter.mightContain("KWC|MSG" + i)).as("added key %d", i).isTrue();
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (filter.mightContain("QMH|OTHER" + i)) {
                falsePositives++;
            }
        }
        assertThat(falsePositives).as("false positives in 100,000").isLessThan(2_000);
        assertThat(filter.full()).isFalse();
        filter.add("one more");
        assertThat(filter.full()).isTrue();
    }

    @Test
    void chineseAndLongKeysHashWithoutCollisionOfTheirPrefixes() {
        KeyFilter filter = new KeyFilter(1024);
        filter.add("瑪麗醫院|控制號1");
        assertThat(filter.mightContain("瑪麗醫院|控制號1")).isTrue();
        assertThat(KeyFilter.hash("瑪麗醫院|控制號1")).isNotEqualTo(KeyFilter.hash("瑪麗醫院|控制號2"));
    }
}
