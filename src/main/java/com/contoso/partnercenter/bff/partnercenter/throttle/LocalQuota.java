package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The quota in this replica's memory: a replica alone is the whole fleet. */
public final class LocalQuota extends Quota {

    private final Map<Operation, Bucket> buckets = new ConcurrentHashMap<>();

    public LocalQuota(QuotaProperties properties) {
        super(properties);
    }

    @Override
    CompletableFuture<Duration> take(Operation operation, BucketConfiguration configuration, Duration maxWait) {
        Bucket bucket = bucket(operation, configuration);
        return bucket.asScheduler()
                .tryConsume(1, maxWait, SCHEDULER)
                .thenApply(taken -> taken
                        ? Duration.ZERO
                        : Duration.ofNanos(
                                Math.max(1, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill())));
    }

    /** Counts a request the fleet's bucket let through, so that this bucket, should it stand in, knows it. */
    void spent(Operation operation, BucketConfiguration configuration) {
        bucket(operation, configuration).consumeIgnoringRateLimits(1);
    }

    private Bucket bucket(Operation operation, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(operation, o -> {
            var builder = Bucket.builder();
            for (var bandwidth : configuration.getBandwidths()) {
                builder.addLimit(bandwidth);
            }
            return builder.build();
        });
    }
}
