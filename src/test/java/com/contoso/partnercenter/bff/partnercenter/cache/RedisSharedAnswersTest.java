package com.contoso.partnercenter.bff.partnercenter.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.fleet.RedisServer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.RedisFleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ReactiveValueOperations;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Replicas asking the same questions at the same moment, on a real Redis: each question reaches upstream once. */
class RedisSharedAnswersTest {

    @RegisterExtension
    static RedisServer redis = RedisServer.perClass();

    static SharedAnswers replica() {
        return replica(new ReactiveStringRedisTemplate(redis.connections()));
    }

    static SharedAnswers replica(ReactiveStringRedisTemplate template) {
        return replica(template, Duration.ofSeconds(5));
    }

    static SharedAnswers replica(ReactiveStringRedisTemplate template, Duration deadline) {
        PartnerCenterProperties settings =
                Fixture.settings("fleet.key-prefix=answers-test:", "deadline=" + deadline.toMillis() + "ms");
        var fleet = new RedisFleetState(template, settings.fleet(), Clock.systemUTC());
        return new SharedAnswers(fleet, JsonMapper.shared(), settings, Clock.systemUTC());
    }

    /**
     * The three replicas ask about each question within a few milliseconds of one another, and upstream answers
     * within a few: one replica may have asked, kept its answer and let go of the lock between another's look and
     * its lock. Many questions, so that moment comes up.
     */
    @Test
    void threeReplicasAskingTheSameQuestionsAtOnceAskUpstreamOncePerQuestion() {
        List<SharedAnswers> replicas = List.of(replica(), replica(), replica());
        Map<String, AtomicInteger> upstream = new ConcurrentHashMap<>();
        TypeReference<String> type = new TypeReference<>() {};
        var random = new Random(11);
        int questions = 1500;

        List<Object> answers = Flux.range(0, questions * 3)
                .flatMap(
                        i -> {
                            String key = "question:" + (i / 3);
                            Mono<String> load = Mono.fromSupplier(() -> {
                                upstream.computeIfAbsent(key, k -> new AtomicInteger())
                                        .incrementAndGet();
                                return "answer to " + key;
                            });
                            return Mono.delay(Duration.ofMillis(random.nextInt(2)))
                                    .then(replicas.get(i % 3)
                                            .answer("customer", key, type, Duration.ofMinutes(1), load));
                        },
                        24)
                .map(SharedAnswers.Answer::value)
                .collectList()
                .block();

        assertThat(answers).hasSize(questions * 3);
        assertThat(upstream).hasSize(questions);
        assertThat(upstream.entrySet())
                .filteredOn(question -> question.getValue().get() > 1)
                .as("questions that reached upstream more than once")
                .isEmpty();
    }

    /**
     * A replica that looked, found nothing and is slow to take the lock: by the time it has the lock, another
     * replica has asked, kept its answer and let go. It must not ask upstream again.
     */
    @Test
    void aReplicaThatTakesTheLockAfterAnotherAnsweredUsesThatAnswer() {
        SharedAnswers slowToLock = replica(new ReactiveStringRedisTemplate(redis.connections()) {
            @Override
            @SuppressWarnings("unchecked")
            public ReactiveValueOperations<String, String> opsForValue() {
                ReactiveValueOperations<String, String> operations = super.opsForValue();
                return (ReactiveValueOperations<String, String>) Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {ReactiveValueOperations.class},
                        (proxy, method, arguments) -> {
                            Object result = method.invoke(operations, arguments);
                            return method.getName().equals("setIfAbsent")
                                    ? ((Mono<?>) result).delaySubscription(Duration.ofMillis(300))
                                    : result;
                        });
            }
        });
        SharedAnswers quick = replica();
        var upstream = new AtomicInteger();
        Mono<String> load = Mono.fromSupplier(() -> "answer " + upstream.incrementAndGet());
        TypeReference<String> type = new TypeReference<>() {};

        var slow = slowToLock
                .answer("customer", "late-lock", type, Duration.ofMinutes(1), load)
                .toFuture();
        SharedAnswers.Answer first = Mono.delay(Duration.ofMillis(50))
                .then(quick.answer("customer", "late-lock", type, Duration.ofMinutes(1), load))
                .block();
        SharedAnswers.Answer second = slow.join();

        assertThat(first.value()).isEqualTo("answer 1");
        assertThat(second.value()).isEqualTo("answer 1");
        assertThat(upstream).hasValue(1);
    }

    /** An update answers the portal after the fleet's copies are gone and every replica was told, not before. */
    @Test
    void anInvalidationIsDoneWhenItCompletes() {
        int listening = redis.subscribers("answers-test:invalidations"); // earlier tests' replicas
        SharedAnswers writer = replica();
        SharedAnswers reader = replica();
        var told = new CompletableFuture<String>();
        reader.onInvalidation(told::complete);
        // Both replicas listen once their subscriptions are up.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.subscribers("answers-test:invalidations") >= listening + 2);
        TypeReference<String> type = new TypeReference<>() {};
        writer.answer("customer-7", "qualifications:customer-7", type, Duration.ofMinutes(1), Mono.just("before"))
                .block();
        assertThat(redis.get("answers-test:{customer-7}:answer:qualifications:customer-7"))
                .isNotNull();

        writer.invalidate("customer-7", List.of("qualifications:customer-7")).block();

        assertThat(redis.get("answers-test:{customer-7}:answer:qualifications:customer-7"))
                .isNull();
        assertThat(told).succeedsWithin(Duration.ofSeconds(2)).isEqualTo("customer-7");
    }

    /**
     * A portal that updates on one replica and reads on another right after reads the new answer: the update
     * answers once the other replica has dropped its copy, even when it takes a moment to do so.
     */
    @Test
    void anUpdateAnswersOnceTheOtherReplicasHaveDroppedTheirCopies() {
        int listening = redis.subscribers("answers-test:invalidations");
        SharedAnswers writer = replica();
        SharedAnswers slowReader = replica();
        var dropped = new java.util.concurrent.atomic.AtomicBoolean();
        slowReader.onInvalidation(customerId -> {
            if ("customer-9".equals(customerId)) {
                Mono.delay(Duration.ofMillis(100)).block(); // a busy replica takes its time
                dropped.set(true);
            }
        });
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.subscribers("answers-test:invalidations") >= listening + 2);

        writer.invalidate("customer-9", List.of("qualifications:customer-9")).block();

        assertThat(dropped).isTrue();
    }

    /** An answer asked before an update and answered after it is not kept for the fleet. */
    @Test
    void anAnswerAskedBeforeAnUpdateIsNotKeptAfterIt() {
        SharedAnswers asking = replica();
        SharedAnswers updating = replica();
        TypeReference<String> type = new TypeReference<>() {};

        var slow = asking.answer(
                        "customer-9",
                        "qualifications:customer-9",
                        type,
                        Duration.ofMinutes(1),
                        Mono.just("before the update").delayElement(Duration.ofMillis(500)))
                .toFuture();
        Mono.delay(Duration.ofMillis(100))
                .then(updating.invalidate("customer-9", List.of("qualifications:customer-9")))
                .block();
        assertThat(slow.join().value()).isEqualTo("before the update"); // its own caller still gets it

        SharedAnswers.Answer next = replica()
                .answer(
                        "customer-9",
                        "qualifications:customer-9",
                        type,
                        Duration.ofMinutes(1),
                        Mono.just("after the update"))
                .block();
        assertThat(next.value()).isEqualTo("after the update");
    }

    /**
     * A replica waiting for another's answer waits within the deadline, and the call it makes itself when the
     * other never answers gets only what is left of it.
     */
    @Test
    void waitingForAnotherReplicaCountsAgainstTheDeadline() {
        Duration deadline = Duration.ofMillis(1500);
        SharedAnswers stuck = replica(new ReactiveStringRedisTemplate(redis.connections()), deadline);
        SharedAnswers waiting = replica(new ReactiveStringRedisTemplate(redis.connections()), deadline);
        TypeReference<Instant> type = new TypeReference<>() {};
        stuck.answer("customer-3", "stuck:customer-3", type, Duration.ofMinutes(1), Mono.never())
                .subscribe();
        Mono.delay(Duration.ofMillis(100)).block(); // it holds the lock

        Instant asked = Instant.now();
        SharedAnswers.Answer answer = waiting.answer(
                        "customer-3",
                        "stuck:customer-3",
                        type,
                        Duration.ofMinutes(1),
                        Mono.deferContextual(context -> Mono.just(Deadline.in(context, Instant.MAX))))
                .block(Duration.ofSeconds(10));

        assertThat((Instant) answer.value())
                .as("the deadline the call made after the wait has")
                .isBetween(asked, asked.plus(deadline).plusMillis(100));
        assertThat(Duration.between(asked, Instant.now())).isLessThan(deadline.plusMillis(700));
    }
}
