package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.cache.RedisSharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.cache.SharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ReactiveValueOperations;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Replicas asking the same questions at the same moment, on a real Redis: each question reaches upstream once. */
class RedisSharedAnswersTest {

    static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    static SharedAnswers replica() {
        return replica(new ReactiveStringRedisTemplate(redis.connections()));
    }

    static SharedAnswers replica(ReactiveStringRedisTemplate template) {
        var fleet = new FleetRedis(
                template, new FleetProperties(null, "answers-test:", Duration.ofMillis(500)), Clock.systemUTC());
        return new RedisSharedAnswers(fleet, JsonMapper.shared(), Duration.ofSeconds(5), Clock.systemUTC());
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
                                    .then(replicas.get(i % 3).answer(key, type, Duration.ofMinutes(1), load));
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
                .answer("late-lock", type, Duration.ofMinutes(1), load)
                .toFuture();
        SharedAnswers.Answer first = Mono.delay(Duration.ofMillis(50))
                .then(quick.answer("late-lock", type, Duration.ofMinutes(1), load))
                .block();
        SharedAnswers.Answer second = slow.join();

        assertThat(first.value()).isEqualTo("answer 1");
        assertThat(second.value()).isEqualTo("answer 1");
        assertThat(upstream).hasValue(1);
    }

    /** An update answers the portal after the fleet's copies are gone and every replica was told, not before. */
    @Test
    void anInvalidationIsDoneWhenItCompletes() throws InterruptedException {
        int listening = redis.subscribers("answers-test:invalidations"); // earlier tests' replicas
        SharedAnswers writer = replica();
        SharedAnswers reader = replica();
        var told = new CompletableFuture<String>();
        reader.onInvalidation(told::complete);
        while (redis.subscribers("answers-test:invalidations") < listening + 2) {
            Thread.sleep(10); // both replicas listen once their subscriptions are up
        }
        TypeReference<String> type = new TypeReference<>() {};
        writer.answer("qualifications:customer-7", type, Duration.ofMinutes(1), Mono.just("before"))
                .block();
        assertThat(redis.get("answers-test:answer:qualifications:customer-7")).isNotNull();

        writer.invalidate("customer-7", List.of("qualifications:customer-7")).block();

        assertThat(redis.get("answers-test:answer:qualifications:customer-7")).isNull();
        assertThat(told).succeedsWithin(Duration.ofSeconds(2)).isEqualTo("customer-7");
    }
}
