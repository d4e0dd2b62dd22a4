package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The primitives every store is built on, the same in a replica's memory and in a real Redis: a store written
 * against them behaves alike alone and in a fleet.
 */
class FleetStateTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static final AtomicInteger RUN = new AtomicInteger();

    record Implementation(String name, Function<String, FleetState> state) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Implementation> implementations() {
        return Stream.of(
                new Implementation("memory", prefix -> new InMemoryFleetState(prefix, Clock.systemUTC())),
                new Implementation(
                        "redis",
                        prefix -> new RedisFleetState(
                                new ReactiveStringRedisTemplate(redis.connections()),
                                new PartnerCenterProperties.Fleet(
                                        null, prefix, Duration.ofMillis(500), Duration.ofSeconds(3)),
                                Clock.systemUTC())));
    }

    // A fresh prefix per test: the Redis is shared by the whole class.
    static FleetState fresh(Implementation implementation) {
        return implementation.state().apply("state-test-" + RUN.incrementAndGet() + ":");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void keysOfDifferentGroupsAreRefusedTogether(Implementation implementation) {
        FleetState state = fresh(implementation);

        assertThatThrownBy(() -> state.getAll(List.of(state.key("a", "x"), state.key("b", "x")))
                        .block())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different groups");
        assertThat(state.getAll(List.of(state.key("a", "x"), state.key("a", "y")))
                        .block())
                .containsExactly(null, null);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void aValueIsClaimedOnceAndReplacedOnlyFromWhatItWas(Implementation implementation) {
        FleetState state = fresh(implementation);
        String record = state.key("idempotency", "k");
        Duration day = Duration.ofDays(1);

        assertThat(state.putIfAbsent(record, "in flight", day).block()).isTrue();
        assertThat(state.putIfAbsent(record, "second", day).block())
                .as("claimed already")
                .isFalse();
        assertThat(state.replace(record, "not what it is", "x", day).block()).isFalse();
        assertThat(state.replace(record, "in flight", "done", day).block()).isTrue();
        assertThat(state.get(record).block()).isEqualTo("done");
        assertThat(state.put(record, "brief", Duration.ofMillis(300)).block()).isTrue();
        Mono.delay(Duration.ofMillis(500)).block();
        assertThat(state.putIfAbsent(record, "after it went", day).block()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void keepLaterKeepsTheLaterInstantUntilItHasPassed(Implementation implementation) {
        FleetState state = fresh(implementation);
        String gate = state.key("gate");
        Instant soon = Instant.now().plusMillis(400);

        state.keepLater(gate, soon).block();
        state.keepLater(gate, soon.minusMillis(200)).block();

        assertThat(state.get(gate).block()).isEqualTo(Long.toString(soon.toEpochMilli()));
        Mono.delay(Duration.ofMillis(600)).block();
        assertThat(state.find(gate).block()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void compareAndSetRefusesToReplaceALaterVersion(Implementation implementation) {
        FleetState state = fresh(implementation);
        String chain = state.key("tokens", "chain");

        assertThat(state.compareAndSet(chain, "one", 0).block()).isEqualTo(1);
        assertThat(state.compareAndSet(chain, "two", 1).block()).isEqualTo(2);
        assertThat(state.compareAndSet(chain, "stale", 1).block())
                .as("a later one is stored")
                .isZero();
        assertThat(state.findVersioned(chain).block()).contains(new FleetState.Versioned(2, "two"));
        assertThat(state.compareAndSet(chain, "after a lost write", 5).block())
                .as("the state lost versions this writer saw")
                .isEqualTo(6);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void aMemberSeenFirstWritesInTheSameStepAndOnlyOnce(Implementation implementation) {
        FleetState state = fresh(implementation);
        String chain = state.key("tokens", "chain");
        String seen = state.key("tokens", "seen");

        assertThat(state.putIfFirstSeen(chain, "seed", seen, "a").block())
                .as("provisional")
                .isZero();
        assertThat(state.putIfFirstSeen(chain, "seed again", seen, "a").block()).isEqualTo(-1);
        assertThat(state.compareAndSet(chain, "redeemed", 0).block()).isEqualTo(1);
        assertThat(state.compareAndSet(chain, "over a seed", 0).block())
                .as("only a provisional value gives way to any write")
                .isZero();
        assertThat(state.putIfFirstSeen(chain, "new consent", seen, "b").block())
                .isEqualTo(2);
        assertThat(state.addToSet(seen, "b", "c").block()).isEqualTo(1);
        assertThat(state.findVersioned(chain).block()).contains(new FleetState.Versioned(2, "new consent"));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void aValueWorkedOutBeforeAChangeIsNotKeptAfterIt(Implementation implementation) {
        FleetState state = fresh(implementation);
        String answer = state.key("customer", "answer");
        String changes = state.key("customer", "changes");

        assertThat(state.putUnlessCounted(answer, "before", Duration.ofSeconds(5), changes, "")
                        .block())
                .isTrue();
        assertThat(state.increment(changes, Duration.ofSeconds(5)).block()).isEqualTo(1);
        assertThat(state.putUnlessCounted(answer, "stale", Duration.ofSeconds(5), changes, "")
                        .block())
                .isFalse();
        assertThat(state.putUnlessCounted(answer, "after", Duration.ofMillis(300), changes, "1")
                        .block())
                .isTrue();
        assertThat(state.get(answer).block()).isEqualTo("after");
        Mono.delay(Duration.ofMillis(500)).block();
        assertThat(state.get(answer).block()).as("gone with its TTL").isNull();
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void turnsComeInABurstThenOneAnInterval(Implementation implementation) {
        FleetState state = fresh(implementation);
        String quota = state.key("quota");
        Duration interval = Duration.ofSeconds(20);

        List<Duration> burst = Flux.range(0, 3)
                .concatMap(i -> state.takeTurn(quota, interval, 3, Duration.ZERO))
                .collectList()
                .block();
        Duration refused = state.takeTurn(quota, interval, 3, Duration.ZERO).block();
        Duration reserved =
                state.takeTurn(quota, interval, 3, Duration.ofSeconds(30)).block();

        assertThat(burst).containsOnly(Duration.ZERO);
        assertThat(refused)
                .as("minus how long until one is free")
                .isBetween(Duration.ofSeconds(-20), Duration.ofSeconds(-19));
        assertThat(reserved).as("the next turn, reserved").isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
        assertThat(state.takeTurn(quota, interval, 3, Duration.ofSeconds(30)).block())
                .as("the one after it comes too late for the wait")
                .isBetween(Duration.ofSeconds(-40), Duration.ofSeconds(-39));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void aBroadcastReachesEveryListener(Implementation implementation) {
        FleetState state = fresh(implementation);
        String channel = state.channel("news");
        List<String> heard = new CopyOnWriteArrayList<>();
        state.listen(channel).subscribe(heard::add);

        // A Redis subscription is made in the background: sent until it is there.
        Long receivers = Flux.interval(Duration.ofMillis(20))
                .concatMap(attempt -> state.publish(channel, "hello"))
                .filter(count -> count > 0)
                .blockFirst(Duration.ofSeconds(5));

        assertThat(receivers).isEqualTo(1);
        Mono.delay(Duration.ofMillis(100)).block();
        assertThat(heard).contains("hello");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void workInTurnRunsOneAtATimeAndTheOthersTakeTheHoldersResult(Implementation implementation) {
        FleetState state = fresh(implementation);
        String result = state.key("work", "result");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Mono<String> work = Mono.defer(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    done.incrementAndGet();
                    return Mono.delay(Duration.ofMillis(200)).thenReturn("worked");
                })
                .flatMap(value -> state.putUnlessCounted(
                                result, value, Duration.ofSeconds(5), state.key("work", "changes"), "")
                        .thenReturn(value))
                .doFinally(signal -> running.decrementAndGet());

        List<String> answers = Flux.range(0, 4)
                .flatMap(i -> state.inTurn(new FleetState.Turn<>(
                        state.key("work", "lock"),
                        Duration.ofSeconds(5),
                        Instant.now().plusSeconds(5),
                        Duration.ZERO,
                        state.get(result),
                        work,
                        work)))
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(answers).containsOnly("worked").hasSize(4);
        assertThat(most).hasValue(1);
        assertThat(done).as("the others took the holder's result").hasValue(1);
        assertThat(state.find(state.key("work", "lock")).block()).as("released").isEqualTo(Optional.empty());
    }
}
