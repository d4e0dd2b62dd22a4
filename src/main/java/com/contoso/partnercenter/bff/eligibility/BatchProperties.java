package com.contoso.partnercenter.bff.eligibility;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a batch of eligibility questions fans out to Partner Center.
 *
 * @param concurrency how many Partner Center calls one batch makes at once, so one portal's list takes
 *     neither the whole upstream bulkhead nor the partner's throttling budget.
 * @param deadline the longest one batch request takes; customers not answered by then get a 504 item.
 */
@Validated
@ConfigurationProperties("partner-center.batch")
public record BatchProperties(
        @DefaultValue("8") @Min(1) @Max(64) int concurrency,

        @DefaultValue("25s") @NotNull @DurationMin(millis = 1)
        Duration deadline) {}
