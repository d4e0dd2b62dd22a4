package com.contoso.partnercenter.bff.partnercenter.cache;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * GET answers kept per customer for a short while; concurrent identical requests share one upstream call.
 *
 * @param ttl how long an answer is reused; {@code 0} turns caching off.
 * @param maxSize how many answers are kept at most.
 * @param staleIfError how old the last answer Partner Center gave may be to be answered when it cannot answer
 *     (RFC 5861); {@code 0} turns last-known answers off. Only with the cache on.
 * @param lastKnownMaxSize how many last-known answers this replica keeps in memory at most, apart from the fresh
 *     ones: measured 450 to 560 bytes each (a validation status, a one-item qualification list), so the default
 *     50 000 take some 25 MB of the chart's 768 MiB.
 */
public record CacheProperties(
        @DefaultValue("30s") @NotNull Duration ttl,
        @DefaultValue("10000") @Min(1) long maxSize,

        @DefaultValue("24h") @NotNull @DurationMin(nanos = 0)
        Duration staleIfError,

        @DefaultValue("50000") @Min(1) long lastKnownMaxSize) {}
