package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers shared by the fleet in Redis, behind each replica's in-process cache. A miss takes a short lock
 * ({@code SET NX PX}) so that one replica asks Partner Center while the others, concurrent misses on other
 * replicas included, wait for its answer; the lock is released by its owner only (compare and delete). An
 * answer is kept for the cache's TTL; a failure is never kept, and frees the lock for the next to try. A
 * successful update deletes the customer's answers and tells every replica to drop its own copies.
 *
 * <p>Messages are fire and forget: one sent while a replica was cut off from Redis is lost to it, so a replica
 * that finds Redis again drops every copy it holds.
 */
public final class RedisSharedAnswers implements SharedAnswers {

    private static final String INVALIDATIONS = "invalidations";
    private static final Duration POLL = Duration.ofMillis(25);
    private static final int MAX_ROUNDS = 3;

    private final FleetRedis redis;
    private final JsonMapper json;
    private final Duration lockFor;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new ArrayList<>();

    /**
     * @param lockFor how long a replica may hold the lock for one customer's question: the longest one call takes
     *     (partner-center.deadline), so a replica that died with it does not hold the others for longer.
     */
    public RedisSharedAnswers(FleetRedis redis, JsonMapper json, Duration lockFor, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.lockFor = lockFor;
        this.clock = clock;
        redis.listen(redis.key(INVALIDATIONS)).subscribe(customerId -> tell(customerId));
        redis.onRecovery(() -> tell(null));
    }

    private void tell(String customerId) {
        listeners.forEach(listener -> listener.accept(customerId));
    }

    @Override
    public void onInvalidation(Consumer<String> customerId) {
        listeners.add(customerId);
    }

    @Override
    public <T> Mono<Answer> answer(String key, TypeReference<T> type, Duration ttl, Mono<T> load) {
        return attempt(redis.key("answer", key), redis.key("asking", key), type, ttl, load, 1);
    }

    /**
     * The fleet's answer if it has one; else the lock, and this replica asks for everyone; else wait for the
     * replica that holds it. A replica that gave up (its call failed) frees the lock: the waiters try again, so
     * one of them asks next rather than all at once.
     */
    private <T> Mono<Answer> attempt(
            String answerKey, String lockKey, TypeReference<T> type, Duration ttl, Mono<T> load, int round) {
        String owner = CorrelationId.newId();
        // Looked at again once the lock is ours: between the first look and the lock, another replica may have
        // asked, kept its answer and let go (a busy replica measured 30 to 150 ms there, bench/fleet.sh).
        Mono<Answer> askForTheFleet = shared(answerKey, type, Source.FLEET)
                .switchIfEmpty(Mono.defer(() -> fresh(load, ttl)
                        .flatMap(answer -> keep(answerKey, answer).thenReturn(answer))))
                .doFinally(signal -> redis.unlock(lockKey, owner));
        return shared(answerKey, type, Source.FLEET)
                .switchIfEmpty(Mono.defer(() -> redis.lock(lockKey, owner, lockFor)
                        .flatMap(mine -> mine
                                ? askForTheFleet
                                : waitFor(answerKey, lockKey, type)
                                        .switchIfEmpty(Mono.defer(() -> round < MAX_ROUNDS
                                                ? attempt(answerKey, lockKey, type, ttl, load, round + 1)
                                                : fresh(load, ttl))))));
    }

    private <T> Mono<Answer> fresh(Mono<T> load, Duration ttl) {
        return load.map(value -> new Answer(value, clock.instant().plus(ttl), Source.PARTNER_CENTER))
                .switchIfEmpty(
                        Mono.fromSupplier(() -> new Answer(null, clock.instant().plus(ttl), Source.PARTNER_CENTER)));
    }

    // The replica that holds the lock: its answer as soon as it is kept; empty once the lock is gone without one.
    private <T> Mono<Answer> waitFor(String answerKey, String lockKey, TypeReference<T> type) {
        return shared(answerKey, type, Source.FLEET_AFTER_WAIT)
                .switchIfEmpty(Mono.defer(() -> redis.locked(lockKey)
                        .flatMap(asking -> asking ? Mono.error(StillAsking.INSTANCE) : Mono.<Answer>empty())))
                .retryWhen(Retry.fixedDelay(lockFor.toMillis() / POLL.toMillis(), POLL)
                        .filter(failure -> failure == StillAsking.INSTANCE))
                .onErrorResume(failure -> Mono.empty());
    }

    private <T> Mono<Answer> shared(String answerKey, TypeReference<T> type, Source source) {
        return redis.run(template -> template.opsForValue().get(answerKey)).mapNotNull(kept -> {
            int newline = kept.indexOf('\n');
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(kept.substring(0, newline)));
            if (!expiresAt.isAfter(clock.instant())) {
                return null;
            }
            return new Answer(json.readValue(kept.substring(newline + 1), type), expiresAt, source);
        });
    }

    private Mono<Boolean> keep(String answerKey, Answer answer) {
        Duration left = Duration.between(clock.instant(), answer.expiresAt());
        String kept = answer.expiresAt().toEpochMilli() + "\n" + json.writeValueAsString(answer.value());
        return redis.run(template -> template.opsForValue().set(answerKey, kept, left))
                .defaultIfEmpty(false);
    }

    @Override
    public Mono<Void> invalidate(String customerId, Iterable<String> keys) {
        List<String> answerKeys = new ArrayList<>();
        keys.forEach(key -> answerKeys.add(redis.key("answer", key)));
        // Redis has written the message to every subscriber's connection when PUBLISH answers.
        return redis.run(template -> template.delete(answerKeys.toArray(String[]::new))
                        .then(template.convertAndSend(redis.key(INVALIDATIONS), customerId)))
                .then();
    }

    /** Another replica still holds the lock: look again shortly. */
    private static final class StillAsking extends RuntimeException {
        static final StillAsking INSTANCE = new StillAsking();

        private StillAsking() {
            super(null, null, false, false);
        }
    }
}
