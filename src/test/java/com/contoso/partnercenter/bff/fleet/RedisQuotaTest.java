package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.partnercenter.throttle.RedisQuota;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Bucket4j's Lettuce module was built against Lettuce 6; this proves it with the Lettuce 7 Spring Boot
 * manages, on a real Redis: two replicas' quotas draw from one bucket.
 */
class RedisQuotaTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static RedisQuota replica(String prefix) {
        return replica(prefix, 5);
    }

    static RedisQuota replica(String prefix, int perMinute) {
        var fleet = new FleetRedis(
                new ReactiveStringRedisTemplate(redis.connections()),
                new FleetProperties(null, prefix, Duration.ofMillis(500)),
                Clock.systemUTC());
        return new RedisQuota(
                new QuotaProperties(Map.of("validation-codes", new QuotaProperties.Limit(perMinute))),
                fleet,
                (RedisClient) redis.connections().getRequiredNativeClient(),
                Duration.ofMillis(500));
    }

    static String take(RedisQuota quota) {
        return quota.acquire(Operation.VALIDATION_CODES, Duration.ZERO)
                .thenReturn("taken")
                .onErrorResume(
                        PartnerCenterException.class, e -> Mono.just(e.kind().name()))
                .block();
    }

    @Test
    void twoReplicasDrawFromOneBucket() throws InterruptedException {
        RedisQuota first = replica("quota-test:");
        RedisQuota second = replica("quota-test:");
        Thread.sleep(500); // their connections open in the background

        List<String> taken = IntStream.range(0, 10)
                .mapToObj(i -> take(i % 2 == 0 ? first : second))
                .toList();

        assertThat(taken).filteredOn("taken"::equals).hasSize(5);
        assertThat(taken).filteredOn(FailureKind.QUOTA_EXHAUSTED.name()::equals).hasSize(5);
        assertThat(redis.command("EXISTS quota-test:quota:validation-codes:5")).isEqualTo(":1");
    }

    /** An operator raises the quota and rolls the pods: the new replicas count to the new quota at once. */
    @Test
    void aChangedQuotaTakesEffect() throws InterruptedException {
        RedisQuota before = replica("changed-quota-test:", 5);
        Thread.sleep(500);
        IntStream.range(0, 5).forEach(i -> assertThat(take(before)).isEqualTo("taken"));
        assertThat(take(before)).isEqualTo(FailureKind.QUOTA_EXHAUSTED.name());

        RedisQuota after = replica("changed-quota-test:", 20);
        Thread.sleep(500);
        List<String> taken = IntStream.range(0, 20).mapToObj(i -> take(after)).toList();

        assertThat(taken).containsOnly("taken");
    }
}
