package com.contoso.partnercenter.bff.partnercenter.cache;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * GET answers kept per customer for a short while; concurrent identical requests share one upstream call.
 *
 * @param ttl how long an answer is reused; {@code 0} turns caching off.
 * @param maxSize how many answers are kept at most.
 */
public record CacheProperties(
        @DefaultValue("30s") @NotNull Duration ttl,
        @DefaultValue("10000") @Min(1) long maxSize) {}
