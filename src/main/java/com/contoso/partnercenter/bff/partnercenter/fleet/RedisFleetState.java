package com.contoso.partnercenter.bff.partnercenter.fleet;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The fleet's state in Redis, for every replica: each operation one command or one Lua script on the keys of
 * one group. A command that fails or takes longer than {@code partner-center.fleet.timeout} answers nothing
 * instead, and the caller goes on with its own memory ({@link #standIn()}). Redis is never a reason for a 5xx.
 * Losing it is logged once and finding it again once; in between, commands are skipped without waiting, but for
 * one probe a second. Whoever keeps state that may have missed changes while Redis was away is told when it is
 * back.
 */
public final class RedisFleetState extends FleetState implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RedisFleetState.class);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final Duration FAILOVER_POLL = Duration.ofMillis(100);
    private static final RedisScript<Long> RELEASE = script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);
    private static final RedisScript<Long> REPLACE = script("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
            """);
    private static final RedisScript<Long> PUT_UNLESS_COUNTED = script("""
            if (redis.call('GET', KEYS[2]) or '') ~= ARGV[3] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """);
    // The later of two instants (epoch ms), dropped by Redis when it has passed (Redis 7: PXAT).
    private static final RedisScript<Long> KEEP_LATER = script("""
            local current = tonumber(redis.call('GET', KEYS[1]) or '')
            if (not current) or current < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
            end
            return 1
            """);
    // A versioned value is stored as "<version>:<value>".
    private static final RedisScript<Long> COMPARE_AND_SET = script("""
            local current = redis.call('GET', KEYS[1])
            local version = 0
            if current then version = tonumber(string.match(current, '^(%d+):')) or 0 end
            if current and version ~= 0 and version > tonumber(ARGV[2]) then return 0 end
            local next = math.max(version, tonumber(ARGV[2])) + 1
            redis.call('SET', KEYS[1], next .. ':' .. ARGV[1])
            return next
            """);
    private static final RedisScript<Long> PUT_IF_FIRST_SEEN = script("""
            if redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return -1 end
            local current = redis.call('GET', KEYS[1])
            if not current then
              redis.call('SET', KEYS[1], '0:' .. ARGV[1])
              return 0
            end
            local version = (tonumber(string.match(current, '^(%d+):')) or 0) + 1
            redis.call('SET', KEYS[1], version .. ':' .. ARGV[1])
            return version
            """);
    private static final RedisScript<Long> INCREMENT = script("""
            local count = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return count
            """);
    // KEYS[1]: the counter; ARGV: the interval between turns (ms), the burst, the longest wait (ms). Read on
    // Redis's clock, so the replicas' clocks do not matter. Returns the wait before the taken turn (0: now), or
    // minus the time until one is free when that is too long.
    private static final RedisScript<Long> TAKE_TURN = script("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local interval = tonumber(ARGV[1])
            local full = tonumber(redis.call('GET', KEYS[1]) or '0')
            if full < now then full = now end
            local wait = full + interval - interval * tonumber(ARGV[2]) - now
            if wait > tonumber(ARGV[3]) then return -math.max(1, math.ceil(wait)) end
            redis.call('SET', KEYS[1], string.format('%.3f', full + interval), 'PX', math.ceil(full + interval - now))
            return math.max(0, math.ceil(wait))
            """);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final InMemoryFleetState standIn;
    private final List<Supplier<Mono<Void>>> onRecovery = new CopyOnWriteArrayList<>();
    private final Map<String, String> unreleased = new ConcurrentHashMap<>();
    private volatile Instant awaySince;
    private volatile Instant nextProbe = Instant.MIN;
    private volatile String lastFailure;

    private final boolean cluster;

    public RedisFleetState(ReactiveStringRedisTemplate redis, PartnerCenterProperties.Fleet properties, Clock clock) {
        super(properties.keyPrefix(), clock);
        this.redis = redis;
        this.timeout = properties.timeout();
        this.standIn = new InMemoryFleetState(properties.keyPrefix(), clock);
        this.cluster =
                redis.getConnectionFactory() instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
    }

    @Override
    public boolean countsEveryReceiver() {
        return !cluster;
    }

    @Override
    public boolean reachesOtherReplicas() {
        return true;
    }

    @Override
    public InMemoryFleetState standIn() {
        return standIn;
    }

    private static RedisScript<Long> script(String lua) {
        return RedisScript.of(lua, Long.class);
    }

    private Mono<Long> eval(RedisScript<Long> script, List<String> keys, String... args) {
        return run(template ->
                template.execute(script, oneGroup(keys), List.of(args)).next());
    }

    @Override
    public Mono<Optional<String>> find(String key) {
        return run(template -> template.opsForValue().get(key).map(Optional::of).defaultIfEmpty(Optional.empty()));
    }

    @Override
    public Mono<List<String>> getAll(List<String> keys) {
        return run(template -> template.opsForValue().multiGet(oneGroup(keys)));
    }

    @Override
    public Mono<Boolean> delete(List<String> keys) {
        return run(template -> template.delete(oneGroup(keys).toArray(String[]::new)))
                .map(deleted -> true);
    }

    @Override
    public Mono<Boolean> put(String key, String value, Duration ttl) {
        return run(template -> template.opsForValue().set(key, value, ttl));
    }

    @Override
    public Mono<Boolean> putIfAbsent(String key, String value, Duration ttl) {
        return run(template -> template.opsForValue().setIfAbsent(key, value, ttl));
    }

    @Override
    public Mono<Boolean> replace(String key, String expected, String value, Duration ttl) {
        return eval(REPLACE, List.of(key), expected, value, Long.toString(ttl.toMillis()))
                .map(replaced -> replaced == 1);
    }

    @Override
    public Mono<Boolean> putUnlessCounted(String key, String value, Duration ttl, String counterKey, String seen) {
        return eval(PUT_UNLESS_COUNTED, List.of(key, counterKey), value, Long.toString(ttl.toMillis()), seen)
                .map(kept -> kept == 1);
    }

    @Override
    public Mono<Boolean> keepLater(String key, Instant until) {
        return eval(KEEP_LATER, List.of(key), Long.toString(until.toEpochMilli()))
                .map(kept -> true);
    }

    @Override
    public Mono<Optional<Versioned>> findVersioned(String key) {
        return find(key).map(stored -> stored.flatMap(RedisFleetState::versioned));
    }

    // "<version>:<value>"; a value in another form is no version of this service's: as if there were none.
    private static Optional<Versioned> versioned(String stored) {
        int colon = stored.indexOf(':');
        try {
            return Optional.of(new Versioned(Long.parseLong(stored.substring(0, colon)), stored.substring(colon + 1)));
        } catch (RuntimeException unreadable) {
            return Optional.of(new Versioned(0, stored));
        }
    }

    @Override
    public Mono<Long> compareAndSet(String key, String value, long replaces) {
        return eval(COMPARE_AND_SET, List.of(key), value, Long.toString(replaces));
    }

    @Override
    public Mono<Long> putIfFirstSeen(String key, String value, String seenKey, String member) {
        return eval(PUT_IF_FIRST_SEEN, List.of(key, seenKey), value, member);
    }

    @Override
    public Mono<Long> addToSet(String key, String... members) {
        return run(template -> template.opsForSet().add(key, members));
    }

    @Override
    public Mono<Long> increment(String key, Duration ttl) {
        return eval(INCREMENT, List.of(key), Long.toString(ttl.toMillis()));
    }

    @Override
    public Mono<Duration> takeTurn(String key, Duration interval, int burst, Duration maxWait) {
        return eval(
                        TAKE_TURN,
                        List.of(key),
                        String.format(Locale.ROOT, "%.3f", interval.toNanos() / 1e6),
                        Integer.toString(burst),
                        Long.toString(maxWait.toMillis()))
                .map(Duration::ofMillis);
    }

    @Override
    public Mono<Long> publish(String channel, String message) {
        return run(template -> template.convertAndSend(channel, message));
    }

    @Override
    Mono<Boolean> lock(String key, String owner, Duration holdAtMost) {
        return run(template -> template.opsForValue().setIfAbsent(key, owner, holdAtMost));
    }

    /** The command's answer; empty when it has none, and when Redis is away or too slow. */
    private <T> Mono<T> run(Function<ReactiveStringRedisTemplate, Mono<T>> command) {
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
    @Override
    void unlock(String key, String owner) {
        eval(RELEASE, List.of(key), owner).hasElement().subscribe(released -> {
            if (!released) {
                unreleased.put(key, owner);
            }
        });
    }

    @Override
    Mono<Boolean> locked(String key) {
        return run(template -> template.hasKey(key)).defaultIfEmpty(false);
    }

    /** Messages on a channel, for as long as the service runs: the subscription comes back when Redis does. */
    @Override
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
    @Override
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
    @Override
    public void onRecovery(Supplier<Mono<Void>> action) {
        onRecovery.add(action);
    }

    /** Whether the last command failed to reach Redis. */
    @Override
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
