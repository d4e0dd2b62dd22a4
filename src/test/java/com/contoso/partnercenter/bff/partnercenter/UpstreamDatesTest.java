package com.contoso.partnercenter.bff.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class UpstreamDatesTest {

    @Test
    void everyFormPartnerCenterWritesBecomesOneInstantInUtc() {
        assertThat(UpstreamDates.normalize("2026-11-01T10:00:00Z")).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(UpstreamDates.normalize("2026-11-01T10:00:00.1234567+00:00"))
                .isEqualTo("2026-11-01T10:00:00.123456700Z");
        assertThat(UpstreamDates.normalize("2026-11-01T12:00:00+02:00")).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(UpstreamDates.normalize("2026-11-01T10:00:00")).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(UpstreamDates.normalize(" 2026-11-01T10:00:00Z ")).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(UpstreamDates.normalize("yesterday")).isEqualTo("yesterday");
        assertThat(UpstreamDates.normalize("  ")).isNull();
        assertThat(UpstreamDates.normalize(null)).isNull();
    }

    @Test
    void anInstantAlreadyInThePortalsFormIsWhatParsingItWouldGive() {
        List<String> texts = new ArrayList<>(List.of(
                "2026-02-30T10:00:00Z",
                "2026-13-01T10:00:00Z",
                "2026-12-31T23:59:60Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "2026-11-01T24:00:00Z",
                "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z"));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10_000; i++) {
            texts.add(String.format(
                    "%04d-%02d-%02dT%02d:%02d:%02dZ",
                    random.nextInt(10_000),
                    random.nextInt(14),
                    random.nextInt(33),
                    random.nextInt(26),
                    random.nextInt(62),
                    random.nextInt(62)));
        }
        for (String text : texts) {
            assertThat(UpstreamDates.normalize(text)).as(text).isEqualTo(UpstreamDates.parsed(text));
        }
    }

    @Test
    void theShortcutIsOnlyForTheSecondsForm() {
        Instant instant = Instant.parse("2026-11-01T10:00:00.120Z");
        assertThat(UpstreamDates.normalize("2026-11-01T10:00:00.1200Z")).isEqualTo(instant.toString());
    }
}
