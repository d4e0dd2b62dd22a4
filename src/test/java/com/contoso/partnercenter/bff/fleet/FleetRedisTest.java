package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ReactiveValueOperations;
import reactor.core.publisher.Mono;

/** Redis lost and found, as the fleet's stores see it through RedisFleetState. */
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
        var answers = new java.util.concurrent.LinkedBlockingQueue<Mono<String>>();
        answers.add(Mono.never()); // times out at 300 ms: lost
        answers.add(Mono.delay(Duration.ofMillis(280)).thenReturn("late")); // sent before the loss, answers after it
        var fleet = new RedisFleetState(
                new ReactiveStringRedisTemplate(redis.connections()) {
                    @Override
                    public ReactiveValueOperations<String, String> opsForValue() {
                        ReactiveValueOperations<String, String> real = super.opsForValue();
                        return (ReactiveValueOperations<String, String>) Proxy.newProxyInstance(
                                getClass().getClassLoader(),
                                new Class<?>[] {ReactiveValueOperations.class},
                                (proxy, method, args) ->
                                        method.getName().equals("get") ? answers.poll() : method.invoke(real, args));
                    }
                },
                new PartnerCenterProperties.Fleet(
                        null, "fleet-redis-test:", Duration.ofMillis(300), Duration.ofSeconds(3)),
                Clock.systemUTC());
        var recoveries = new AtomicInteger();
        fleet.onRecovery(() -> Mono.fromRunnable(recoveries::incrementAndGet));

        var lost = fleet.get("fleet-redis-test:{a}").toFuture();
        Mono.delay(Duration.ofMillis(100)).block();
        var late = fleet.get("fleet-redis-test:{b}").toFuture();
        assertThat(lost.join()).isNull();
        assertThat(fleet.isAway()).isTrue();
        assertThat(late.join()).isEqualTo("late");

        assertThat(fleet.isAway()).isTrue();
        assertThat(recoveries).hasValue(0);
        assertThat(output.getOut()).doesNotContain("Redis is reachable again");
    }
}
