package com.contoso.partnercenter.bff.partnercenter.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.fleet.RedisServer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.Portals;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/** On a real Redis: two replicas' quotas draw from one bucket, from their first call on. */
class RedisQuotaTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static Quota replica(String prefix) {
        return replica(prefix, 5);
    }

    static Quota replica(String prefix, int perMinute) {
        return quota(prefix, perMinute);
    }

    // A replica alone among the portals (none configured), with a quota for the validation codes.
    static Quota quota(String prefix, int perMinute) {
        PartnerCenterProperties settings = Fixture.settings(
                "fleet.key-prefix=" + prefix, "quota.validation-codes.requests-per-minute=" + perMinute);
        var fleet = new RedisFleetState(
                new ReactiveStringRedisTemplate(redis.connections()), settings.fleet(), Clock.systemUTC());
        return new Quota(settings, new Portals(settings), fleet, new SimpleMeterRegistry());
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
            PartnerCenterProperties settings =
                    Fixture.settings("fleet.key-prefix=stand-in-test:", "quota.validation-codes.requests-per-minute=5");
            var fleet = new RedisFleetState(
                    new ReactiveStringRedisTemplate(own.connections()), settings.fleet(), Clock.systemUTC());
            var quota = new Quota(settings, new Portals(settings), fleet, new SimpleMeterRegistry());
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
