package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers shared by the fleet in Redis, behind each replica's in-process cache. A miss takes a short lock
 * ({@code SET NX PX}) so that one replica asks Partner Center while the others, concurrent misses on other
 * replicas included, wait for its answer within the request's deadline; the lock is released by its owner only
 * (compare and delete). An answer is kept for the cache's TTL; a failure is never kept, and frees the lock for
 * the next to try. A successful update deletes the customer's answers, counts a change of the customer (so an
 * answer asked before it is not kept after it), and tells every replica to drop its own copies.
 *
 * <p>An update answers once every replica that received the message has dropped its copies (each counts itself
 * at a key of the update's), or after a quarter of a second. Messages are fire and forget: one sent while a
 * replica was cut off from Redis is lost to it, so a replica
 * that finds Redis again drops every copy it holds, and sends the invalidations it could not send.
 */
public final class RedisSharedAnswers implements SharedAnswers {

    private static final Logger log = LoggerFactory.getLogger(RedisSharedAnswers.class);
    private static final String INVALIDATIONS = "invalidations";
    // Keeps the answer unless the customer changed since it was asked (the count of changes moved on).
    private static final FleetRedis.Script KEEP_UNLESS_CHANGED = FleetRedis.script("""
            if (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """);
    // An update, in one round trip: deletes the customer's answers (KEYS[2..]), moves its count of changes on
    // (KEYS[1]) for ARGV[1] ms, and tells every replica (channel ARGV[2], message ARGV[3]).
    private static final FleetRedis.Script INVALIDATE = FleetRedis.script("""
            if #KEYS > 1 then redis.call('DEL', unpack(KEYS, 2)) end
            redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return redis.call('PUBLISH', ARGV[2], ARGV[3])
            """);
    // A replica that dropped its copies says so: the count of replicas that did, for the update that waits.
    private static final FleetRedis.Script TOLD = FleetRedis.script("""
            local told = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return told
            """);
    private static final Duration TOLD_WITHIN = Duration.ofMillis(250);
    private static final Duration TOLD_POLL = Duration.ofMillis(5);

    private final FleetRedis redis;
    private final JsonMapper json;
    private final Duration deadline;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new ArrayList<>();
    private final Map<String, List<String>> unsent = new ConcurrentHashMap<>();

    /**
     * @param deadline partner-center.deadline: a request waits for another replica's answer at most that long in
     *     all, and a replica that died holding the lock holds the others no longer.
     */
    public RedisSharedAnswers(FleetRedis redis, JsonMapper json, Duration deadline, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.deadline = deadline;
        this.clock = clock;
        redis.listen(redis.channel(INVALIDATIONS)).subscribe(this::told);
        redis.onRecovery(() -> {
            tell(null);
            return Flux.fromIterable(Map.copyOf(unsent).entrySet())
                    .concatMap(unsentInvalidation -> {
                        unsent.remove(unsentInvalidation.getKey(), unsentInvalidation.getValue());
                        return send(unsentInvalidation.getKey(), unsentInvalidation.getValue());
                    })
                    .then();
        });
    }

    // "<customer> <key>": the customer's copies are dropped here, then counted at the key for the update.
    private void told(String message) {
        int space = message.indexOf(' ');
        String customerId = space < 0 ? message : message.substring(0, space);
        tell(customerId);
        if (space > 0) {
            redis.eval(TOLD, List.of(message.substring(space + 1)), List.of(Long.toString(TOLD_WITHIN.toMillis() * 4)))
                    .subscribe();
        }
    }

    private void tell(String customerId) {
        listeners.forEach(listener -> listener.accept(customerId));
    }

    @Override
    public void onInvalidation(Consumer<String> customerId) {
        listeners.add(customerId);
    }

    @Override
    public <T> Mono<Answer> answer(String customerId, String key, TypeReference<T> type, Duration ttl, Mono<T> load) {
        return Mono.defer(() -> {
            var question = new Question<>(
                    redis.key(customerId, "answer", key),
                    redis.key(customerId, "asking", key),
                    changes(customerId),
                    type,
                    ttl,
                    load);
            Instant deadlineAt = clock.instant().plus(deadline);
            return shared(question, Source.FLEET)
                    .switchIfEmpty(Mono.defer(() -> redis.inTurn(new FleetRedis.Turn<>(
                            question.lockKey(),
                            deadline,
                            deadlineAt,
                            Duration.ZERO, // an answer does not wait for Redis: this replica asks alone
                            shared(question, Source.FLEET_AFTER_WAIT),
                            askForTheFleet(question),
                            fresh(question)))))
                    .contextWrite(context -> new Deadline(deadlineAt).within(context));
        });
    }

    // Every key of a customer is in its group: the scripts below touch one customer's keys, in one slot.
    private String changes(String customerId) {
        return redis.key(customerId, "changes");
    }

    /** What one request asks, and where its answer, its lock and its customer's changes are kept. */
    private record Question<T>(
            String answerKey, String lockKey, String changesKey, TypeReference<T> type, Duration ttl, Mono<T> load) {}

    // Under the lock: looked at again first, since between the first look and the lock another replica may have
    // asked, kept its answer and let go (a busy replica measured 30 to 150 ms there, bench/fleet.sh). The count
    // of the customer's changes is read in the same round trip, to keep the answer only if it did not move.
    // A replica that gave up (its call failed) frees the lock: the waiters take it in turn, so one of them asks
    // next rather than all at once.
    private <T> Mono<Answer> askForTheFleet(Question<T> question) {
        return Mono.defer(() -> redis.getAll(List.of(question.answerKey(), question.changesKey()))
                .defaultIfEmpty(Arrays.asList(null, null))
                .flatMap(values -> {
                    Answer kept = values.get(0) == null ? null : parse(values.get(0), question.type(), Source.FLEET);
                    if (kept != null) {
                        return Mono.just(kept);
                    }
                    String changesSeen = values.get(1) == null ? "" : values.get(1);
                    return fresh(question)
                            .flatMap(answer ->
                                    keep(question, answer, changesSeen).thenReturn(answer));
                }));
    }

    private <T> Mono<Answer> fresh(Question<T> question) {
        return Mono.defer(() -> SharedAnswers.fresh(question.load(), question.ttl(), clock));
    }

    private <T> Mono<Answer> shared(Question<T> question, Source source) {
        return redis.get(question.answerKey()).mapNotNull(kept -> parse(kept, question.type(), source));
    }

    /** A kept answer; null once it expired, or when this replica cannot read it (another version's, say). */
    private <T> Answer parse(String kept, TypeReference<T> type, Source source) {
        try {
            int newline = kept.indexOf('\n');
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(kept.substring(0, newline)));
            if (!expiresAt.isAfter(clock.instant())) {
                return null;
            }
            return new Answer(json.readValue(kept.substring(newline + 1), type), expiresAt, source);
        } catch (RuntimeException unreadable) {
            log.debug("A shared answer could not be read; Partner Center is asked instead", unreadable);
            return null;
        }
    }

    private <T> Mono<Void> keep(Question<T> question, Answer answer, String changesSeen) {
        Duration left = Duration.between(clock.instant(), answer.expiresAt());
        if (left.toMillis() <= 0) {
            return Mono.empty();
        }
        String kept = answer.expiresAt().toEpochMilli() + "\n" + json.writeValueAsString(answer.value());
        return redis.eval(
                        KEEP_UNLESS_CHANGED,
                        List.of(question.answerKey(), question.changesKey()),
                        List.of(kept, Long.toString(left.toMillis()), changesSeen))
                .then();
    }

    @Override
    public Mono<Void> invalidate(String customerId, Iterable<String> keys) {
        List<String> answerKeys = new ArrayList<>();
        keys.forEach(key -> answerKeys.add(redis.key(customerId, "answer", key)));
        return send(customerId, answerKeys);
    }

    // Deletes the answers, moves the customer's count of changes on (for as long as a call asked before the change
    // may still be answered) and tells every replica: Redis has written the message to every subscriber's
    // connection when the script answers. Not sent (Redis away): sent again once Redis is back.
    private Mono<Void> send(String customerId, List<String> answerKeys) {
        List<String> keys = new ArrayList<>();
        keys.add(changes(customerId));
        keys.addAll(answerKeys);
        String toldKey = redis.key(customerId, "told", UUID.randomUUID().toString());
        List<String> args = List.of(
                Long.toString(deadline.multipliedBy(2).toMillis()),
                redis.channel(INVALIDATIONS),
                customerId + " " + toldKey);
        return redis.eval(INVALIDATE, keys, args)
                .doOnSuccess(receivers -> {
                    if (receivers == null) {
                        unsent.put(customerId, answerKeys);
                    }
                })
                .flatMap(receivers -> everyoneTold(toldKey, receivers))
                .then();
    }

    // Until every replica that received the message has dropped its copies (so that a portal that reads on
    // another replica right after the update reads the new answer), within TOLD_WITHIN: one slower than that
    // drops them a moment later.
    private Mono<Void> everyoneTold(String toldKey, long receivers) {
        return Flux.interval(Duration.ZERO, TOLD_POLL)
                .onBackpressureDrop() // a look slower than the poll skips ticks
                .concatMap(poll -> redis.get(toldKey).map(Long::parseLong).defaultIfEmpty(0L))
                .filter(told -> told >= receivers)
                .next()
                .timeout(TOLD_WITHIN, Mono.empty())
                .then();
    }
}
