package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
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
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers shared by the fleet in its state, behind each replica's in-process cache, so the fleet asks Partner
 * Center once per customer and TTL. A miss takes a short lock so that one replica asks Partner Center while the
 * others, concurrent misses on other replicas included, wait for its answer within the request's deadline. An
 * answer is kept for the cache's TTL; a failure is never kept, and frees the lock for the next to try. A
 * successful update counts a change of the customer (so an answer asked before it is not kept after it),
 * deletes the customer's answers and tells every replica to drop its own copies.
 *
 * <p>An update answers once every replica that received the message has dropped its copies (each counts itself
 * at a key of the update's), or after a quarter of a second. Messages are fire and forget: one sent while a
 * replica was cut off from the state is lost to it, so a replica that finds the state again drops every copy it
 * holds, and sends the invalidations it could not send.
 *
 * <p>The answer Partner Center gave is also kept as the customer's last-known answer for {@code staleIfError}
 * (guarded by the same count of changes), so that a replica started during an outage has it; an update deletes
 * it with the fresh one.
 *
 * <p>A replica alone has nobody to share with: its state is its memory, which the in-process cache in front
 * already is, so an answer is asked at once and kept nowhere else.
 */
@Component
public final class SharedAnswers {

    /** Where an answer came from. */
    public enum Source {
        /** This replica asked Partner Center. */
        PARTNER_CENTER,
        /** Another replica had it already. */
        FLEET,
        /** Another replica was asking Partner Center; this one waited for its answer. */
        FLEET_AFTER_WAIT
    }

    /** An answer ({@code null} for none, such as no synchronous qualification), until when it holds, and whence. */
    public record Answer(Object value, Instant expiresAt, Source source) {}

    private static final Logger log = LoggerFactory.getLogger(SharedAnswers.class);
    private static final String INVALIDATIONS = "invalidations";
    private static final Duration TOLD_WITHIN = Duration.ofMillis(250);
    private static final Duration TOLD_POLL = Duration.ofMillis(5);

    private final FleetState state;
    private final JsonMapper json;
    // The most replicas one invalidation reached, for a Redis Cluster's partial count of receivers.
    private volatile long mostTold;
    private final Duration deadline;
    private final Duration staleIfError;
    private final Clock clock;
    private final List<Consumer<String>> listeners = new ArrayList<>();
    private final Map<String, List<String>> unsent = new ConcurrentHashMap<>();

    SharedAnswers(FleetState state, JsonMapper json, PartnerCenterProperties properties, Clock clock) {
        this.state = state;
        this.json = json;
        // A request waits for another replica's answer at most its deadline in all, and a replica that died holding
        // the lock holds the others no longer.
        this.deadline = properties.deadline();
        // How long a last-known answer is kept; 0 for none.
        this.staleIfError = properties.cache().staleIfError();
        this.clock = clock;
        state.listen(state.channel(INVALIDATIONS)).subscribe(this::told);
        state.onRecovery(() -> {
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
            state.increment(message.substring(space + 1), TOLD_WITHIN.multipliedBy(4))
                    .subscribe();
        }
    }

    private void tell(String customerId) {
        listeners.forEach(listener -> listener.accept(customerId));
    }

    /** What to do when another replica invalidated a customer; also told {@code null} when every answer may be stale. */
    public void onInvalidation(Consumer<String> customerId) {
        listeners.add(customerId);
    }

    /**
     * The answer to {@code key}, a question about {@code customerId}: the fleet's when another replica has it,
     * else {@code load}'s, which one replica at a time runs for the whole fleet. Failures are never shared.
     */
    public <T> Mono<Answer> answer(String customerId, String key, TypeReference<T> type, Duration ttl, Mono<T> load) {
        if (!state.reachesOtherReplicas()) {
            return fresh(load, ttl, clock);
        }
        return Mono.defer(() -> {
            var question = new Question<>(
                    state.key(customerId, "answer", key),
                    lastKnownKey(customerId, key),
                    state.key(customerId, "asking", key),
                    changes(customerId),
                    type,
                    ttl,
                    load);
            Instant deadlineAt = clock.instant().plus(deadline);
            return shared(question, Source.FLEET)
                    .switchIfEmpty(Mono.defer(() -> state.inTurn(new FleetState.Turn<>(
                            question.lockKey(),
                            deadline,
                            deadlineAt,
                            Duration.ZERO, // an answer does not wait for the state: this replica asks alone
                            shared(question, Source.FLEET_AFTER_WAIT),
                            askForTheFleet(question),
                            fresh(question)))))
                    .contextWrite(context -> new Deadline(deadlineAt).within(context));
        });
    }

    // Every key of a customer is in its group: the scripts below touch one customer's keys, in one slot.
    private String changes(String customerId) {
        return state.key(customerId, "changes");
    }

    /** What one request asks, and where its answers, its lock and its customer's changes are kept. */
    private record Question<T>(
            String answerKey,
            String lastKnownKey,
            String lockKey,
            String changesKey,
            TypeReference<T> type,
            Duration ttl,
            Mono<T> load) {}

    private String lastKnownKey(String customerId, String key) {
        return state.key(customerId, "last-known", key);
    }

    /**
     * The last answer Partner Center gave the fleet to {@code key}, fresh or not, while younger than {@code
     * staleIfError}; empty when there is none, or no fleet to ask.
     */
    public <T> Mono<Answer> lastKnown(String customerId, String key, TypeReference<T> type, Duration ttl) {
        if (!state.reachesOtherReplicas() || staleIfError.isZero()) {
            return Mono.empty();
        }
        return state.get(lastKnownKey(customerId, key))
                .flatMap(kept -> Mono.justOrEmpty(parse(kept, type, Source.FLEET, false)))
                .filter(answer ->
                        answer.expiresAt().minus(ttl).plus(staleIfError).isAfter(clock.instant()));
    }

    // Under the lock: looked at again first, since between the first look and the lock another replica may have
    // asked, kept its answer and let go (a busy replica measured 30 to 150 ms there, bench/fleet.sh). The count
    // of the customer's changes is read in the same round trip, to keep the answer only if it did not move.
    // A replica that gave up (its call failed) frees the lock: the waiters take it in turn, so one of them asks
    // next rather than all at once.
    private <T> Mono<Answer> askForTheFleet(Question<T> question) {
        return Mono.defer(() -> state.getAll(List.of(question.answerKey(), question.changesKey()))
                .defaultIfEmpty(Arrays.asList(null, null))
                .flatMap(values -> {
                    Answer kept =
                            values.get(0) == null ? null : parse(values.get(0), question.type(), Source.FLEET, true);
                    if (kept != null) {
                        return Mono.just(kept);
                    }
                    String changesSeen = values.get(1) == null ? "" : values.get(1);
                    return fresh(question)
                            .flatMap(answer -> keep(question, answer, changesSeen)
                                    .then(keepLastKnown(question, answer, changesSeen))
                                    .thenReturn(answer));
                }));
    }

    private <T> Mono<Answer> fresh(Question<T> question) {
        return Mono.defer(() -> fresh(question.load(), question.ttl(), clock));
    }

    private <T> Mono<Answer> shared(Question<T> question, Source source) {
        return state.get(question.answerKey())
                .flatMap(kept -> Mono.justOrEmpty(parse(kept, question.type(), source, true)));
    }

    /**
     * A kept answer; null when this replica cannot read it (another version's, say) or, if it must be {@code
     * fresh}, once it expired.
     */
    private <T> Answer parse(String kept, TypeReference<T> type, Source source, boolean fresh) {
        try {
            int newline = kept.indexOf('\n');
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(kept.substring(0, newline)));
            if (fresh && !expiresAt.isAfter(clock.instant())) {
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
        return state.putUnlessCounted(question.answerKey(), kept(answer), left, question.changesKey(), changesSeen)
                .then();
    }

    // For staleIfError from when Partner Center gave it.
    /** Partner Center said the last-known answer to {@code key} no longer holds: gone from the fleet too. */
    public Mono<Void> forgetLastKnown(String customerId, String key) {
        if (!state.reachesOtherReplicas() || staleIfError.isZero()) {
            return Mono.empty();
        }
        return state.delete(List.of(lastKnownKey(customerId, key))).then();
    }

    private <T> Mono<Void> keepLastKnown(Question<T> question, Answer answer, String changesSeen) {
        if (staleIfError.isZero()) {
            return Mono.empty();
        }
        Duration left = Duration.between(
                clock.instant(), answer.expiresAt().minus(question.ttl()).plus(staleIfError));
        return left.toMillis() <= 0
                ? Mono.empty()
                : state.putUnlessCounted(
                                question.lastKnownKey(), kept(answer), left, question.changesKey(), changesSeen)
                        .then();
    }

    private String kept(Answer answer) {
        return answer.expiresAt().toEpochMilli() + "\n" + json.writeValueAsString(answer.value());
    }

    /** {@code load}'s answer from Partner Center, holding {@code ttl} from when it came. */
    private static Mono<Answer> fresh(Mono<?> load, Duration ttl, Clock clock) {
        return load.map(value -> new Answer(value, clock.instant().plus(ttl), Source.PARTNER_CENTER))
                .switchIfEmpty(
                        Mono.fromSupplier(() -> new Answer(null, clock.instant().plus(ttl), Source.PARTNER_CENTER)));
    }

    /**
     * The customer's answers are stale on every replica: gone from the fleet, and each replica told. Completes
     * when both are done or could not be (never with an error).
     */
    public Mono<Void> invalidate(String customerId, Iterable<String> keys) {
        if (!state.reachesOtherReplicas()) {
            return Mono.empty(); // the in-process cache dropped its copies: nobody else has any
        }
        List<String> answerKeys = new ArrayList<>();
        keys.forEach(key -> {
            answerKeys.add(state.key(customerId, "answer", key));
            answerKeys.add(lastKnownKey(customerId, key));
        });
        return send(customerId, answerKeys);
    }

    // Moves the customer's count of changes on (for as long as a call asked before the change may still be
    // answered), then deletes the answers, so that no answer asked before the change is kept after it, and tells
    // every replica: Redis has written the message to every subscriber's connection when the publish answers.
    // Not done (the state away): done again once it is back.
    private Mono<Void> send(String customerId, List<String> answerKeys) {
        String toldKey = state.key(customerId, "told", UUID.randomUUID().toString());
        return state.increment(changes(customerId), deadline.multipliedBy(2))
                .flatMap(counted -> answerKeys.isEmpty() ? Mono.just(true) : state.delete(answerKeys))
                .flatMap(deleted -> state.publish(state.channel(INVALIDATIONS), customerId + " " + toldKey))
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
    //
    // A Redis Cluster counts only the receivers on the node the message was published to: there the wait is for as
    // many replicas as the most an earlier invalidation reached, and the first one waits all of TOLD_WITHIN to learn
    // how many that is (with a replica fewer since, each waits all of TOLD_WITHIN: an update, not a read, pays it).
    private Mono<Void> everyoneTold(String toldKey, long receivers) {
        boolean counted = state.countsEveryReceiver();
        long expected = counted ? receivers : Math.max(receivers, mostTold);
        boolean learning = !counted && mostTold == 0;
        return Flux.interval(Duration.ZERO, TOLD_POLL)
                .onBackpressureDrop() // a look slower than the poll skips ticks
                .concatMap(poll -> state.get(toldKey).map(Long::parseLong).defaultIfEmpty(0L))
                .doOnNext(told -> mostTold = Math.max(mostTold, told))
                .filter(told -> !learning && told >= expected)
                .next()
                .timeout(TOLD_WITHIN, Mono.empty())
                .then();
    }
}
