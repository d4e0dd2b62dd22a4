package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Throttle gates shared by the fleet: a 429 seen by one replica closes the gate on all of them. Gates this
 * replica knows closed are answered from its memory; the others are looked up in Redis once per attempt. With
 * Redis away, each replica keeps its own gates.
 */
public final class RedisGateStore implements GateStore {

    // Keeps the later of two closings, and lets Redis drop the gate when it opens (Redis 7: PXAT).
    private static final FleetRedis.Script CLOSE = FleetRedis.script("""
            local current = tonumber(redis.call('GET', KEYS[1]) or '')
            if (not current) or current < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
            end
            return 1
            """);

    private final FleetRedis redis;
    private final LocalGateStore local;

    public RedisGateStore(FleetRedis redis, LocalGateStore local) {
        this.redis = redis;
        this.local = local;
    }

    @Override
    public Mono<Instant> closedUntil(String gate) {
        Instant known = local.closedUntilNow(gate);
        if (known != null) {
            return Mono.just(known);
        }
        return redis.get(key(gate)).flatMap(millis -> {
            Instant until = epochMillis(millis);
            if (until == null) {
                return Mono.empty(); // not this service's (another version's?): the gate is open here
            }
            local.close(gate, until);
            return Mono.justOrEmpty(local.closedUntilNow(gate));
        });
    }

    private static Instant epochMillis(String value) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException unreadable) {
            return null;
        }
    }

    @Override
    public void close(String gate, Instant until) {
        local.close(gate, until);
        redis.eval(CLOSE, List.of(key(gate)), List.of(Long.toString(until.toEpochMilli())))
                .subscribe();
    }

    private String key(String gate) {
        return redis.key("gate:" + gate);
    }

    @Override
    public long closedNow(String prefix) {
        return local.closedNow(prefix);
    }
}
