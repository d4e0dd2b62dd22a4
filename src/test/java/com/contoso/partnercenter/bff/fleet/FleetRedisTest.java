package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/** Redis lost and found, as the fleet's stores see it through FleetRedis. */
@ExtendWith(OutputCaptureExtension.class)
class FleetRedisTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    /**
     * A Redis at the edge of the timeout: one command times out (lost), one sent before it answers late. That late
     * answer is no news of Redis being back: no recovery line, and state that waits for a recovery is left alone.
     */
    @Test
    void aLateAnswerToACommandSentBeforeTheLossIsNoRecovery(CapturedOutput output) {
        var fleet = new FleetRedis(
                new ReactiveStringRedisTemplate(redis.connections()),
                new FleetProperties(null, "fleet-redis-test:", Duration.ofMillis(300), Duration.ofSeconds(3)),
                Clock.systemUTC());
        var recoveries = new AtomicInteger();
        fleet.onRecovery(() -> Mono.fromRunnable(recoveries::incrementAndGet));

        var lost = fleet.run(template -> Mono.never()).toFuture(); // times out at 300 ms: lost
        Mono.delay(Duration.ofMillis(100)).block();
        var late = fleet.run(template -> Mono.delay(Duration.ofMillis(280)).thenReturn("late"))
                .toFuture(); // sent before the loss, answers after it
        assertThat(lost.join()).isNull();
        assertThat(fleet.isAway()).isTrue();
        assertThat(late.join()).isEqualTo("late");

        assertThat(fleet.isAway()).isTrue();
        assertThat(recoveries).hasValue(0);
        assertThat(output.getOut()).doesNotContain("Redis is reachable again");
    }
}
