package com.contoso.partnercenter.bff.partnercenter.fleet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The state in this replica's memory: all of it for a replica alone, and, for one of a fleet, what it knows and
 * counts itself while Redis is away. It always answers. Every change is one atomic step, as a script is in
 * Redis.
 */
public final class InMemoryFleetState extends FleetState {

    // Enough for every throttle gate and counter a busy service keeps; a bound, so that no input makes it grow
    // without end. An entry pushed out (the least used) is as if Redis had evicted it, which the stores survive.
    private static final int MAX_ENTRIES = 100_000;
    private static final Instant NEVER = Instant.MAX;

    /** One key's value, its version or members, and when it goes. */
    private record Entry(String value, long version, Set<String> members, Instant expiresAt) {
        static Entry of(String value, Instant expiresAt) {
            return new Entry(value, 0, null, expiresAt);
        }
    }

    private final Cache<String, Entry> entries;
    private final ConcurrentMap<String, Entry> map;
    private final Map<String, Sinks.Many<String>> channels = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];

    public InMemoryFleetState(String prefix, Clock clock) {
        super(prefix, clock);
        this.entries = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfter(Expiry.<String, Entry>writing((key, entry) ->
                        entry.expiresAt() == NEVER ? Duration.ofNanos(Long.MAX_VALUE) : left(entry.expiresAt())))
                .build();
        this.map = entries.asMap();
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    private Duration left(Instant at) {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    @Override
    public boolean reachesOtherReplicas() {
        return false;
    }

    @Override
    public InMemoryFleetState standIn() {
        return this;
    }

    // The entry while it lives, by this state's clock (the cache's own expiry only frees the memory).
    private Entry live(Entry entry) {
        return entry != null && entry.expiresAt().isAfter(clock.instant()) ? entry : null;
    }

    private Instant after(Duration ttl) {
        return clock.instant().plus(ttl);
    }

    @Override
    public Mono<Optional<String>> find(String key) {
        return Mono.fromSupplier(() -> Optional.ofNullable(live(map.get(key))).map(Entry::value));
    }

    @Override
    public Mono<List<String>> getAll(List<String> keys) {
        return Mono.fromSupplier(() -> {
            List<String> values = new ArrayList<>();
            for (String key : oneGroup(keys)) {
                Entry entry = live(map.get(key));
                values.add(entry == null ? null : entry.value());
            }
            return values;
        });
    }

    @Override
    public Mono<Boolean> delete(List<String> keys) {
        return Mono.fromSupplier(() -> {
            oneGroup(keys).forEach(map::remove);
            return true;
        });
    }

    @Override
    public Mono<Boolean> put(String key, String value, Duration ttl) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                map.put(key, Entry.of(value, after(ttl)));
                return true;
            }
        });
    }

    @Override
    public Mono<Boolean> putIfAbsent(String key, String value, Duration ttl) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                if (live(map.get(key)) != null) {
                    return false;
                }
                map.put(key, Entry.of(value, after(ttl)));
                return true;
            }
        });
    }

    @Override
    public Mono<Boolean> replace(String key, String expected, String value, Duration ttl) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry entry = live(map.get(key));
                if (entry == null || !expected.equals(entry.value())) {
                    return false;
                }
                map.put(key, Entry.of(value, after(ttl)));
                return true;
            }
        });
    }

    @Override
    public Mono<Boolean> putUnlessCounted(String key, String value, Duration ttl, String counterKey, String seen) {
        oneGroup(List.of(key, counterKey));
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry count = live(map.get(counterKey));
                if (!(count == null ? "" : count.value()).equals(seen)) {
                    return false;
                }
                map.put(key, Entry.of(value, after(ttl)));
                return true;
            }
        });
    }

    @Override
    public Mono<Boolean> keepLater(String key, Instant until) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry entry = live(map.get(key));
                if (entry == null || entry.expiresAt().isBefore(until)) {
                    map.put(key, Entry.of(Long.toString(until.toEpochMilli()), until));
                }
                return true;
            }
        });
    }

    @Override
    public Mono<Optional<Versioned>> findVersioned(String key) {
        return Mono.fromSupplier(() ->
                Optional.ofNullable(live(map.get(key))).map(entry -> new Versioned(entry.version(), entry.value())));
    }

    @Override
    public Mono<Long> compareAndSet(String key, String value, long replaces) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry entry = live(map.get(key));
                long version = entry == null ? 0 : entry.version();
                if (entry != null && version != 0 && version > replaces) {
                    return 0L;
                }
                long next = Math.max(version, replaces) + 1;
                map.put(key, new Entry(value, next, null, NEVER));
                return next;
            }
        });
    }

    @Override
    public Mono<Long> putIfFirstSeen(String key, String value, String seenKey, String member) {
        oneGroup(List.of(key, seenKey));
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry seen = live(map.get(seenKey));
                Set<String> members = seen == null ? Set.of() : seen.members();
                if (members.contains(member)) {
                    return -1L;
                }
                map.put(seenKey, withMembers(members, member));
                Entry entry = live(map.get(key));
                long version = entry == null ? 0 : entry.version() + 1;
                map.put(key, new Entry(value, version, null, NEVER));
                return version;
            }
        });
    }

    private static Entry withMembers(Set<String> members, String... more) {
        Set<String> all = new HashSet<>(members);
        all.addAll(Arrays.asList(more));
        return new Entry(null, 0, Set.copyOf(all), NEVER);
    }

    @Override
    public Mono<Long> addToSet(String key, String... members) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry seen = live(map.get(key));
                Set<String> before = seen == null ? Set.of() : seen.members();
                long added = Arrays.stream(members)
                        .distinct()
                        .filter(member -> !before.contains(member))
                        .count();
                map.put(key, withMembers(before, members));
                return added;
            }
        });
    }

    @Override
    public Mono<Long> increment(String key, Duration ttl) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                Entry entry = live(map.get(key));
                long count = (entry == null ? 0 : Long.parseLong(entry.value())) + 1;
                map.put(key, Entry.of(Long.toString(count), after(ttl)));
                return count;
            }
        });
    }

    @Override
    public Mono<Duration> takeTurn(String key, Duration interval, int burst, Duration maxWait) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                long now = clock.millis();
                double step = interval.toNanos() / 1e6;
                Entry entry = live(map.get(key));
                double full = Math.max(now, entry == null ? 0 : Double.parseDouble(entry.value()));
                double wait = full + step - step * burst - now;
                if (wait > maxWait.toMillis()) {
                    return Duration.ofMillis(-Math.max(1, (long) Math.ceil(wait)));
                }
                double next = full + step;
                map.put(key, Entry.of(Double.toString(next), Instant.ofEpochMilli((long) Math.ceil(next))));
                return Duration.ofMillis(Math.max(0, (long) Math.ceil(wait)));
            }
        });
    }

    @Override
    public Mono<Long> publish(String channel, String message) {
        return Mono.fromSupplier(() -> {
            Sinks.Many<String> sink = channels.get(channel);
            if (sink == null) {
                return 0L;
            }
            long listeners = sink.currentSubscriberCount();
            sink.emitNext(message, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            return listeners;
        });
    }

    @Override
    public Flux<String> listen(String channel) {
        return channels.computeIfAbsent(
                        channel, name -> Sinks.many().multicast().directBestEffort())
                .asFlux();
    }

    /** How many live values there are at keys starting with {@code keyPrefix}. */
    public long count(String keyPrefix) {
        Instant now = clock.instant();
        return map.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith(keyPrefix)
                        && entry.getValue().expiresAt().isAfter(now))
                .count();
    }

    @Override
    public boolean isAway() {
        return false;
    }

    @Override
    public Mono<Boolean> reachableWithin(Duration within) {
        return Mono.just(true);
    }

    @Override
    public void onRecovery(Supplier<Mono<Void>> action) {
        // never lost
    }

    @Override
    Mono<Boolean> lock(String key, String owner, Duration holdAtMost) {
        return Mono.fromSupplier(() -> {
            synchronized (stripe(key)) {
                if (live(map.get(key)) != null) {
                    return false;
                }
                map.put(key, Entry.of(owner, after(holdAtMost)));
                return true;
            }
        });
    }

    @Override
    void unlock(String key, String owner) {
        synchronized (stripe(key)) {
            Entry entry = map.get(key);
            if (entry != null && owner.equals(entry.value())) {
                map.remove(key);
            }
        }
    }

    @Override
    Mono<Boolean> locked(String key) {
        return Mono.fromSupplier(() -> live(map.get(key)) != null);
    }

    // Every change is one step under its group's lock, as a script is in Redis: the keys of a group share a stripe.
    private Object stripe(String key) {
        return stripes[Math.floorMod(group(key).hashCode(), stripes.length)];
    }
}
