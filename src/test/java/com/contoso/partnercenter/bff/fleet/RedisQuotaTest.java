package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import com.contoso.partnercenter.bff.partnercenter.throttle.Quota;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.portal.PortalProperties;
import com.contoso.partnercenter.bff.portal.Portals;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/** On a real Redis: two replicas' quotas draw from one bucket, from their first call on. */
class RedisQuotaTest {

    static final Portals ALONE = new Portals(new PortalProperties(Map.of()));

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static Quota replica(String prefix) {
        return replica(prefix, 5);
    }

    static Quota replica(String prefix, int perMinute) {
        var fleet = new RedisFleetState(
                new ReactiveStringRedisTemplate(redis.connections()),
                new FleetProperties(null, prefix, Duration.ofMillis(500), Duration.ofSeconds(3)),
                Clock.systemUTC());
        return new Quota(
                new QuotaProperties(Map.of("validation-codes", new QuotaProperties.Limit(perMinute))), ALONE, fleet);
    }

    static String take(Quota quota) {
        return quota.acquire(Operation.VALIDATION_CODES, Portals.OTHER, Duration.ZERO)
                .thenReturn("taken")
                .onErrorResume(
                        PartnerCenterException.class, e -> Mono.just(e.kind().name()))
                .block();
    }

    @Test
    void twoReplicasDrawFromOneBucket() throws InterruptedException {
        Quota first = replica("quota-test:");
        Quota second = replica("quota-test:");

        List<String> taken = IntStream.range(0, 10)
                .mapToObj(i -> take(i % 2 == 0 ? first : second))
                .toList();

        assertThat(taken).filteredOn("taken"::equals).hasSize(5);
        assertThat(taken).filteredOn(FailureKind.QUOTA_EXHAUSTED.name()::equals).hasSize(5);
        assertThat(redis.command("EXISTS quota-test:{quota:validation-codes:5}"))
                .isEqualTo(":1");
    }

    /** An operator raises the quota and rolls the pods: the new replicas count to the new quota at once. */
    @Test
    void aChangedQuotaTakesEffect() throws InterruptedException {
        Quota before = replica("changed-quota-test:", 5);
        IntStream.range(0, 5).forEach(i -> assertThat(take(before)).isEqualTo("taken"));
        assertThat(take(before)).isEqualTo(FailureKind.QUOTA_EXHAUSTED.name());

        Quota after = replica("changed-quota-test:", 20);
        List<String> taken = IntStream.range(0, 20).mapToObj(i -> take(after)).toList();

        assertThat(taken).containsOnly("taken");
    }

    /**
     * A replica whose Redis does not answer for a moment counts alone, from what it has already spent, not from a
     * fresh quota: two fresh replicas once let 30 calls of a 20-a-minute quota through in 5 s that way.
     */
    @Test
    void aReplicaStandingInForRedisSpendsWhatItHasLeftOnly() {
        try (RedisServer own = RedisServer.start()) {
            var fleet = new RedisFleetState(
                    new ReactiveStringRedisTemplate(own.connections()),
                    new FleetProperties(null, "stand-in-test:", Duration.ofMillis(500), Duration.ofSeconds(3)),
                    Clock.systemUTC());
            var quota = new Quota(
                    new QuotaProperties(Map.of("validation-codes", new QuotaProperties.Limit(5))), ALONE, fleet);
            IntStream.range(0, 4).forEach(i -> assertThat(take(quota)).isEqualTo("taken"));

            own.stop();
            List<String> alone =
                    IntStream.range(0, 5).mapToObj(i -> take(quota)).toList();

            assertThat(alone)
                    .containsExactly(
                            "taken", "QUOTA_EXHAUSTED", "QUOTA_EXHAUSTED", "QUOTA_EXHAUSTED", "QUOTA_EXHAUSTED");
        }
    }
}
