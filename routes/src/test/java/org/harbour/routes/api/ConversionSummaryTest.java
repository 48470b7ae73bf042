package org.harbour.routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.harbour.routes.store.MessageStatus;
import org.harbour.routes.store.StoredMessage;
import org.junit.jupiter.api.Test;

class ConversionSummaryTest {

    private static StoredMessage message(String translation, int deliveries) {
        return new StoredMessage("m-1", "QEH-1", "QEH", "LIS", "ORU^R01", "2.5.1", MessageStatus.RECEIVED,
                Instant.EPOCH, Instant.EPOCH, "127.0.0.1", "mllp", "UTF-8", 10, "ab", null, 0, translation, 7, "k",
                null, deliveries);
    }

    @Test
    void aCleanReportIsASummaryWithZeroCounts() {
        ConversionSummary clean = ConversionSummary.of(message("TRANSLATED", 0), "");
        assertThat(clean.entries()).isEmpty();
        assertThat(clean.counts()).containsEntry("error", 0).containsEntry("warning", 0).containsEntry("info", 0);
        assertThat(clean.stage()).isEqualTo(StoredMessage.Stage.STORED);
        assertThat(clean.asText()).isEqualTo("# message m-1 (ORU^R01, control id QEH-1): stage STORED, translation"
                + " TRANSLATED, 7 resources; 0 errors, 0 warnings, 0 notes\n");
    }

    @Test
    void entriesAreCountedBySeverityAndKeepTheirLocation() {
        ConversionSummary s = ConversionSummary.of(message("TRANSLATED", 2),
                "WARNING PID[1]-3.4.2: component not mapped: KWC\nINFO ZHK: Z-segment kept: ZHK|1|a\nsecond line\n"
                        + "ERROR OBX[2]-14: not a date: 2026-13");
        assertThat(s.stage()).isEqualTo(StoredMessage.Stage.DELIVERED);
        assertThat(s.counts()).containsEntry("error", 1).containsEntry("warning", 1).containsEntry("info", 1);
        assertThat(s.entries()).extracting(ConversionSummary.Entry::location).containsExactly("PID[1]-3.4.2", "ZHK",
                "OBX[2]-14");
        assertThat(s.entries().get(1).message()).isEqualTo("Z-segment kept: ZHK|1|a\nsecond line");
        assertThat(s.asText()).contains("1 errors, 1 warnings, 1 notes\nWARNING PID[1]-3.4.2: component not mapped");
    }

    @Test
    void theStageFollowsStatusTranslationAndDeliveries() {
        assertThat(message(null, 0).stage()).isEqualTo(StoredMessage.Stage.RECEIVED);
        assertThat(message("FAILED", 0).stage()).isEqualTo(StoredMessage.Stage.TRANSLATION_FAILED);
        assertThat(message("UNMAPPED", 0).stage()).isEqualTo(StoredMessage.Stage.STORED);
        StoredMessage rejected = new StoredMessage("m-2", "X", "QEH", "LIS", "ORU^R01", "2.5.1", MessageStatus.REJECTED,
                Instant.EPOCH, Instant.EPOCH, null, "mllp", null, 1, "ab", "no MSH", 0, null, null, null, null, 0);
        assertThat(rejected.stage()).isEqualTo(StoredMessage.Stage.REJECTED);
    }
}
