package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import reactor.core.publisher.Mono;

/**
 * The partner's quota per operation ({@code partner-center.quota.<operation>.requests-per-minute}), as a token
 * bucket: each request to Partner Center takes one; over the quota a call waits for its turn while its deadline
 * allows, and answers 503 with {@code Retry-After} otherwise. Where the buckets live (this replica's memory, or
 * Redis for the fleet) is the implementation's.
 */
public abstract class Quota {

    /** Where waiting calls are woken when their turn comes. */
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "partner-center-quota");
        thread.setDaemon(true);
        return thread;
    });

    private static final Duration MIN_WAIT = Duration.ofMillis(1);

    final QuotaProperties properties;
    // The buckets' shape per operation with a quota, built once; an operation without one is not here.
    private final Map<Operation, BucketConfiguration> configurations = new EnumMap<>(Operation.class);

    Quota(QuotaProperties properties) {
        this.properties = properties;
        for (Operation operation : Operation.values()) {
            int perMinute = properties.requestsPerMinute(operation);
            if (perMinute > 0) {
                configurations.put(
                        operation,
                        BucketConfiguration.builder()
                                .addLimit(limit ->
                                        limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                                .build());
            }
        }
    }

    /** Completes when a request of the operation may be sent, within {@code maxWait}; else a 503. */
    public Mono<Void> acquire(Operation operation, Duration maxWait) {
        BucketConfiguration configuration = configurations.get(operation);
        if (configuration == null) {
            return Mono.empty();
        }
        // Bucket4j takes a positive wait only; a millisecond is as good as none.
        Duration wait = maxWait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : maxWait;
        return Mono.fromFuture(() -> take(operation, configuration, wait))
                .flatMap(turn -> turn.isZero()
                        ? Mono.<Void>empty()
                        : Mono.error(PartnerCenterException.quotaExhausted(operation, turn)));
    }

    /**
     * Takes a token, waiting at most {@code maxWait} for it (the token is reserved, so waiting calls are served in
     * turn); completes with zero when one was taken, else with how long until one is free.
     */
    abstract CompletableFuture<Duration> take(Operation operation, BucketConfiguration configuration, Duration maxWait);
}
