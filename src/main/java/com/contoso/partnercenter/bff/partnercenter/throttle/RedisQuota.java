package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The quota counted across the fleet: per operation, one key in Redis holding when the bucket is next full
 * (GCRA, the token bucket as one timestamp), taken and moved on by one script that reads Redis's clock, so the
 * replicas' clocks do not matter. A call over the quota reserves its turn in the same step, if it comes within
 * the call's wait, and waits for it here: the fleet's calls are served in turn.
 *
 * <p>While Redis is away (or does not answer a take within the fleet timeout) each replica counts in its own
 * memory instead: it fails open, as Spring Cloud Gateway's and Envoy's distributed limiters do, rather than
 * refusing every call. That local bucket is charged with every call the fleet's bucket let this replica make, so
 * a replica that stands in for a moment (a slow answer) spends what it has left, not a fresh quota; over a long
 * outage the fleet may send up to its number of replicas times the quota.
 *
 * <p>Bucket4j's Lettuce buckets did this before, on a connection of their own that opened in the background:
 * a replica took its first calls from its local bucket until then, and two fresh replicas let 30 calls of a
 * 20-a-minute quota through in 5 s. This one uses the fleet's connection, and works on a cluster too.
 */
public final class RedisQuota extends Quota {

    // KEYS[1]: the bucket; ARGV: the interval between tokens (ms), the capacity, the longest wait (ms). Returns the
    // wait before the taken token's turn (0: now), or minus the time until one is free when that is too long.
    private static final FleetRedis.Script TAKE = FleetRedis.script("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local full = tonumber(redis.call('GET', KEYS[1]) or '0')
            if full < now then full = now end
            local wait = full + interval - interval * tonumber(ARGV[2]) - now
            if wait > tonumber(ARGV[3]) then return -math.max(1, math.ceil(wait)) end
            redis.call('SET', KEYS[1], string.format('%.3f', full + interval), 'PX', math.ceil(full + interval - now))
            return math.max(0, math.ceil(wait))
            """);

    private final FleetRedis redis;
    private final LocalQuota local;

    public RedisQuota(QuotaProperties properties, FleetRedis redis) {
        super(properties);
        this.redis = redis;
        this.local = new LocalQuota(properties);
    }

    @Override
    CompletableFuture<Duration> take(Operation operation, BucketConfiguration configuration, Duration maxWait) {
        int perMinute = properties.requestsPerMinute(operation);
        // The quota in the key: a changed quota is a new bucket, and during a rollout old and new replicas each
        // keep their own.
        String bucket = redis.key("quota:" + operation.instanceName() + ":" + perMinute);
        double interval = 60_000.0 / perMinute;
        return redis.eval(
                        TAKE,
                        List.of(bucket),
                        List.of(
                                String.format(java.util.Locale.ROOT, "%.3f", interval),
                                Integer.toString(perMinute),
                                Long.toString(maxWait.toMillis())))
                .toFuture()
                .thenCompose(answer -> {
                    if (answer == null) { // Redis away: this replica alone
                        return local.take(operation, configuration, maxWait);
                    }
                    if (answer < 0) {
                        return CompletableFuture.completedFuture(Duration.ofMillis(-answer));
                    }
                    local.spent(operation, configuration);
                    if (answer == 0) {
                        return CompletableFuture.completedFuture(Duration.ZERO);
                    }
                    return CompletableFuture.supplyAsync(
                            () -> Duration.ZERO,
                            CompletableFuture.delayedExecutor(answer, TimeUnit.MILLISECONDS, SCHEDULER));
                });
    }
}
