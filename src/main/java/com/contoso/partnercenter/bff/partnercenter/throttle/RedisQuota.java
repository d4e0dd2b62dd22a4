package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quota counted across the fleet: one token bucket per operation in Redis, by Bucket4j's Lettuce module on
 * the client Spring Boot built (its address, password, timeouts and reconnection). While Redis is away each
 * replica counts in its own memory instead, so the fleet may then send up to its number of replicas times the
 * quota: it fails open, as Spring Cloud Gateway's and Envoy's distributed limiters do, rather than refusing
 * every call.
 */
public final class RedisQuota extends Quota {

    private final FleetRedis redis;
    private final LocalQuota local;
    private final AsyncProxyManager<Object> buckets;
    private final Map<Operation, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();

    public RedisQuota(QuotaProperties properties, FleetRedis redis, RedisClient client, Duration timeout) {
        super(properties);
        this.redis = redis;
        this.local = new LocalQuota(properties);
        this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new LazyConnection(client))
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .requestTimeout(timeout)
                .build()
                .asAsync();
    }

    @Override
    CompletableFuture<Duration> take(Operation operation, BucketConfiguration configuration, Duration maxWait) {
        if (redis.isAway()) {
            return local.take(operation, configuration, maxWait);
        }
        AsyncBucketProxy bucket = proxies.computeIfAbsent(
                operation,
                o -> buckets.builder()
                        // The quota in the key: a changed quota is a new bucket (Bucket4j keeps a stored bucket's
                        // configuration), and during a rollout old and new replicas each keep their own.
                        .build(
                                redis.key("quota", o.instanceName(), Integer.toString(properties.requestsPerMinute(o))),
                                () -> CompletableFuture.completedFuture(configuration)));
        CompletableFuture<Duration> turn;
        try {
            turn = bucket.asScheduler()
                    .tryConsume(1, maxWait, SCHEDULER)
                    .thenCompose(taken -> taken
                            ? CompletableFuture.completedFuture(Duration.ZERO)
                            : bucket.estimateAbilityToConsume(1)
                                    .thenApply(
                                            probe -> Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()))));
        } catch (RuntimeException noConnection) {
            return local.take(operation, configuration, maxWait);
        }
        return turn.exceptionallyCompose(redisAway -> local.take(operation, configuration, maxWait));
    }

    /**
     * One connection for the buckets, opened in the background, and again until it is: no request waits for a
     * connection, and the service starts without Redis. Until it is open, each replica counts alone; once open,
     * Lettuce keeps it open through Redis restarts. Bucket4j hands keys over as {@code Object[]} whatever their
     * type (erasure), so the keys are typed here, and the connection's are strings.
     */
    private static final class LazyConnection implements RedisApi<Object> {
        private final RedisClient client;
        private volatile StatefulRedisConnection<String, byte[]> connection;

        LazyConnection(RedisClient client) {
            this.client = client;
            Thread connecting = new Thread(this::connect, "partner-center-quota-connect");
            connecting.setDaemon(true);
            connecting.start();
        }

        private void connect() {
            while (connection == null) {
                try {
                    connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                } catch (RuntimeException notYet) {
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private StatefulRedisConnection<String, byte[]> connection() {
            StatefulRedisConnection<String, byte[]> open = connection;
            if (open == null) {
                throw new IllegalStateException("no connection to Redis yet");
            }
            return open;
        }

        @Override
        public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] args) {
            return connection().async().eval(script, type, Arrays.copyOf(keys, keys.length, String[].class), args);
        }

        @Override
        public RedisFuture<byte[]> get(Object key) {
            return connection().async().get((String) key);
        }

        @Override
        public RedisFuture<?> delete(Object key) {
            return connection().async().del((String) key);
        }
    }
}
