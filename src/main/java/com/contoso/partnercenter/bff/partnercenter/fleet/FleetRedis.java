package com.contoso.partnercenter.bff.partnercenter.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The fleet's Redis, as every shared store uses it: a command that fails or takes longer than
 * {@code partner-center.fleet.timeout} answers nothing instead, and the caller goes on with its own memory.
 * Redis is never a reason for a 5xx. Losing it is logged once and finding it again once; in between, commands
 * are skipped without waiting, but for one probe a second. Whoever keeps state that may have missed changes
 * while Redis was away is told when it is back.
 */
public final class FleetRedis implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(FleetRedis.class);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(25);
    private static final int TURNS = 3;
    private static final Duration FAILOVER_POLL = Duration.ofMillis(100);
    private static final Script RELEASE = script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    private final ReactiveStringRedisTemplate redis;
    private final String prefix;
    private final Duration timeout;
    private final Clock clock;
    private final List<Supplier<Mono<Void>>> onRecovery = new CopyOnWriteArrayList<>();
    private final Map<String, String> unreleased = new ConcurrentHashMap<>();
    private volatile Instant awaySince;
    private volatile Instant nextProbe = Instant.MIN;
    private volatile String lastFailure;

    public FleetRedis(ReactiveStringRedisTemplate redis, FleetProperties properties, Clock clock) {
        this.redis = redis;
        this.prefix = properties.keyPrefix();
        this.timeout = properties.timeout();
        this.clock = clock;
    }

    /**
     * A key of this service: the fleet's prefix, the group in braces, then the parts, joined by colons, as in
     * {@code partner-center-bff:{tokens}:partner-center-app-user}. The braces are Redis Cluster's hash tag: every
     * key of a group lives in one slot, so a script or a multi-key command on the keys of one group (one customer,
     * one token chain, one gate) works on a cluster as on one Redis.
     */
    public String key(String group, String... parts) {
        String key = prefix + "{" + group + "}";
        return parts.length == 0 ? key : key + ":" + String.join(":", parts);
    }

    /** A channel of this service: pub/sub channels are the cluster's, in no slot. */
    public String channel(String name) {
        return prefix + name;
    }

    /** A Lua script of a store, run in Redis in one step on keys of one group; it answers a number. */
    public record Script(RedisScript<Long> lua) {}

    public static Script script(String lua) {
        return new Script(RedisScript.of(lua, Long.class));
    }

    /** A script on keys of one group ({@link #key}); its answer, or empty as {@link #run} says. */
    public Mono<Long> eval(Script script, List<String> keys, List<String> args) {
        return run(
                template -> template.execute(script.lua(), oneGroup(keys), args).next());
    }

    /** The value at {@code key}; empty when there is none, and as {@link #run} says. */
    public Mono<String> get(String key) {
        return run(template -> template.opsForValue().get(key));
    }

    /** What Redis holds at {@code key}: a value or none; empty only as {@link #run} says (Redis did not answer). */
    public Mono<Optional<String>> find(String key) {
        return run(template -> template.opsForValue().get(key).map(Optional::of).defaultIfEmpty(Optional.empty()));
    }

    /** The values at keys of one group, null for none; empty as {@link #run} says. */
    public Mono<List<String>> getAll(List<String> keys) {
        return run(template -> template.opsForValue().multiGet(oneGroup(keys)));
    }

    /** Adds members to the set at {@code key}; empty as {@link #run} says. */
    public Mono<Long> addToSet(String key, String... members) {
        return run(template -> template.opsForSet().add(key, members));
    }

    // A programming error, not Redis's, when they are not: the keys would fall in different slots of a cluster.
    private List<String> oneGroup(List<String> keys) {
        String group = group(keys.get(0));
        for (String key : keys) {
            if (!group.equals(group(key))) {
                throw new IllegalArgumentException("keys of one command in different groups: " + keys);
            }
        }
        return keys;
    }

    private String group(String key) {
        int open = key.indexOf('{', prefix.length());
        int close = key.indexOf('}', open + 1);
        return open < 0 || close < 0 ? key : key.substring(open + 1, close);
    }

    /**
     * {@code work} for the fleet, one replica at a time: under the lock at {@code lock} (held at most {@code
     * holdAtMost}, should its holder die). While another replica holds it, this one waits: {@code meanwhile} is
     * looked at every poll and its answer (the holder's result, once kept) ends the wait; a freed lock is taken in
     * turn. A lock still held after a few turns, or past {@code waitUntil}, no longer holds this replica back:
     * {@code alone} runs without it. With Redis away, {@code work} runs alone at once; or, with a positive {@code
     * awayWait}, once Redis is back (a failover), or after that long.
     */
    public record Turn<T>(
            String lock,
            Duration holdAtMost,
            Instant waitUntil,
            Duration awayWait,
            Mono<T> meanwhile,
            Mono<T> work,
            Mono<T> alone) {}

    /** The {@link Turn}'s work, done for the fleet one replica at a time. */
    public <T> Mono<T> inTurn(Turn<T> turn) {
        return turn(turn, 1);
    }

    private <T> Mono<T> turn(Turn<T> turn, int round) {
        String owner = UUID.randomUUID().toString();
        return run(template -> template.opsForValue().setIfAbsent(turn.lock(), owner, turn.holdAtMost()))
                .map(taken -> taken ? Taken.MINE : Taken.HELD)
                .defaultIfEmpty(Taken.UNKNOWN)
                .flatMap(taken -> switch (taken) {
                    case MINE -> turn.work().doFinally(signal -> unlock(turn.lock(), owner));
                    case HELD ->
                        whileHeld(turn.lock(), turn.waitUntil(), turn.meanwhile())
                                .switchIfEmpty(Mono.defer(() -> round < TURNS ? turn(turn, round + 1) : turn.alone()));
                    // Redis did not answer: a failover may be under way.
                    case UNKNOWN ->
                        round < TURNS && !turn.awayWait().isZero()
                                ? reachableWithin(turn.awayWait())
                                        .flatMap(back -> back ? turn(turn, round + 1) : turn.work())
                                : turn.work();
                });
    }

    private enum Taken {
        MINE,
        HELD,
        UNKNOWN
    }

    // The holder's result as soon as there is one; empty once the lock is free without one, or at waitUntil.
    private <T> Mono<T> whileHeld(String lock, Instant waitUntil, Mono<T> meanwhile) {
        long polls = Math.max(0, Duration.between(clock.instant(), waitUntil).toMillis() / POLL.toMillis());
        return meanwhile
                .switchIfEmpty(Mono.defer(
                        () -> locked(lock).flatMap(held -> held ? Mono.error(StillHeld.INSTANCE) : Mono.<T>empty())))
                .retryWhen(Retry.fixedDelay(polls, POLL).filter(failure -> failure == StillHeld.INSTANCE))
                .onErrorResume(failure -> Mono.empty());
    }

    /** Another replica still holds the lock: look again shortly. */
    private static final class StillHeld extends RuntimeException {
        static final StillHeld INSTANCE = new StillHeld();

        private StillHeld() {
            super(null, null, false, false);
        }
    }

    /** The command's answer; empty when it has none, and when Redis is away or too slow. */
    public <T> Mono<T> run(Function<ReactiveStringRedisTemplate, Mono<T>> command) {
        return Mono.defer(() -> {
            if (skipping()) {
                return Mono.empty();
            }
            Instant sent = clock.instant();
            return command.apply(redis)
                    .timeout(timeout)
                    // Only a command sent after the loss proves Redis is back: a slow one sent before it, answering
                    // late, would make a Redis at the edge of the timeout flap between lost and found.
                    .doOnSuccess(answer -> {
                        Instant since = awaySince;
                        if (since != null && !sent.isBefore(since)) {
                            recovered();
                        }
                    })
                    .onErrorResume(failure -> {
                        lost(failure);
                        return Mono.empty();
                    });
        });
    }

    /**
     * Releases the lock if {@code owner} still holds it: one whose hold ran out may be another's by now. Not
     * released because Redis was away (a failover: the promoted replica has the lock), it is released once Redis
     * is back, not left to hold the others back until its hold runs out.
     */
    private void unlock(String key, String owner) {
        eval(RELEASE, List.of(key), List.of(owner)).hasElement().subscribe(released -> {
            if (!released) {
                unreleased.put(key, owner);
            }
        });
    }

    /** Whether someone holds the lock; false when Redis is away. */
    private Mono<Boolean> locked(String key) {
        return run(template -> template.hasKey(key)).defaultIfEmpty(false);
    }

    /** Messages on a channel, for as long as the service runs: the subscription comes back when Redis does. */
    public Flux<String> listen(String channel) {
        return Flux.defer(() -> redis.listenToChannel(channel))
                .map(message -> message.getMessage())
                .doOnNext(message -> {
                    if (awaySince != null) {
                        recovered();
                    }
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
                        .maxBackoff(PROBE_EVERY)
                        .doBeforeRetry(signal -> lost(signal.failure())));
    }

    /**
     * Completes once Redis answers, at once when it is not away, or after {@code within} at the latest (with
     * false): for work that should rather wait out a failover (Sentinel promoting a replica takes seconds) than
     * be done by each replica alone.
     */
    public Mono<Boolean> reachableWithin(Duration within) {
        if (awaySince == null) {
            return Mono.just(true);
        }
        Instant sent = clock.instant();
        return Flux.interval(Duration.ZERO, FAILOVER_POLL)
                .onBackpressureDrop() // a probe slower than the poll skips ticks
                .concatMap(attempt -> redis.opsForValue()
                        .get(key("health"))
                        .timeout(timeout)
                        .map(answer -> true)
                        .defaultIfEmpty(true)
                        .onErrorReturn(false))
                .filter(Boolean::booleanValue)
                .next()
                .timeout(within, Mono.just(false))
                .doOnNext(back -> {
                    if (back && awaySince != null && !sent.isBefore(awaySince)) {
                        recovered();
                    }
                });
    }

    /**
     * Runs when Redis is reachable again after it was lost, for state that may have missed changes meanwhile;
     * one action after the other.
     */
    public void onRecovery(Supplier<Mono<Void>> action) {
        onRecovery.add(action);
    }

    /** Whether the last command failed to reach Redis. */
    public boolean isAway() {
        return awaySince != null;
    }

    private boolean skipping() {
        return awaySince != null && clock.instant().isBefore(nextProbe);
    }

    private synchronized void lost(Throwable failure) {
        nextProbe = clock.instant().plus(PROBE_EVERY);
        lastFailure =
                failure.getClass().getSimpleName() + (failure.getMessage() != null ? ": " + failure.getMessage() : "");
        if (awaySince == null) {
            awaySince = clock.instant();
            log.warn(
                    "Redis is unreachable ({}): every replica goes on alone, with its own memory, until it is back",
                    lastFailure);
        }
    }

    private void recovered() {
        synchronized (this) {
            if (awaySince == null) {
                return;
            }
            log.info(
                    "Redis is reachable again after {} s: the replicas share their state again",
                    Duration.between(awaySince, clock.instant()).toSeconds());
            awaySince = null;
        }
        // Locks this replica could not release go last: a token lock is held until the chain this replica could
        // not store is back in Redis, so no other replica redeems the refresh token it replaced meanwhile.
        Flux.fromIterable(onRecovery)
                .concatMap(action -> action.get().onErrorResume(failure -> Mono.empty()))
                .then(Mono.fromRunnable(() -> Map.copyOf(unreleased).forEach((key, owner) -> {
                    unreleased.remove(key, owner);
                    unlock(key, owner);
                })))
                .subscribe();
    }

    /** Asks Redis once, waiting at most the fleet timeout and a second: opens the connection at start, and is the health check's look. */
    void connect() {
        run(template -> template.opsForValue().get(key("health"))).block(timeout.plusSeconds(1));
    }

    /**
     * The {@code fleet} health component: DOWN while Redis is away, with since when and why. It never fails
     * readiness: a replica without Redis still serves every request.
     */
    @Override
    public Health health() {
        connect();
        Instant since = awaySince;
        if (since == null) {
            return Health.up().withDetail("redis", "reachable").build();
        }
        return Health.down()
                .withDetail("redis", "unreachable")
                .withDetail("since", since.toString())
                .withDetail("reason", String.valueOf(lastFailure))
                .withDetail("meanwhile", "each replica uses its own memory: cache, throttle gates, tokens, quota")
                .build();
    }
}
