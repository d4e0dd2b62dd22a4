package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The customers the whole fleet watches: one value in the fleet state, customer id to the instant until which a
 * replica's stream still watches it, written by compare-and-set. A replica renews its customers every few seconds;
 * one whose streams all closed lingers {@link #ENTRY_LIFETIME} at most. It bounds the watch ({@code
 * partner-center.watch.max-customers}) and tells any replica whether a portal's read or update is of a customer
 * some stream watches. This replica keeps the last roster it saw; a roster that grew is announced on the watch's
 * channel, so every replica knows a new customer at once.
 */
final class WatchRoster {

    /** How long a customer stays in the roster after its last renewal. */
    static final Duration ENTRY_LIFETIME = Duration.ofSeconds(30);

    /** How often a replica renews its customers. */
    static final Duration RENEWAL = ENTRY_LIFETIME.dividedBy(3);

    private static final TypeReference<TreeMap<String, Long>> ROSTER = new TypeReference<>() {};
    private static final int ATTEMPTS = 10;

    private final FleetState state;
    private final String key;
    private final JsonMapper json;
    private final Clock clock;
    private volatile Map<String, Long> seen = Map.of();

    WatchRoster(FleetState state, JsonMapper json, Clock clock) {
        this.state = state;
        this.key = state.key("watch", "roster");
        this.json = json;
        this.clock = clock;
    }

    /**
     * Adds the customers (ids in lower case) unless the roster would then hold more than {@code limit}: whether they
     * were added. With the fleet state away they are, in this replica's roster only: the limit is not a reason to
     * refuse a portal while Redis fails over.
     */
    Mono<Boolean> join(Collection<String> customerIds, int limit) {
        long until = clock.millis() + ENTRY_LIFETIME.toMillis();
        return update(roster -> {
                    customerIds.forEach(id -> roster.put(id, until));
                    return roster.size() <= limit ? roster : null;
                })
                .defaultIfEmpty(true)
                .doOnNext(added -> {
                    if (added) {
                        Map<String, Long> mine = new TreeMap<>(seen);
                        customerIds.forEach(id -> mine.putIfAbsent(id, until));
                        seen = mine;
                    }
                });
    }

    /** Renews this replica's customers, and forgets those nobody renewed in time. */
    Mono<Void> renew(Collection<String> customerIds) {
        long until = clock.millis() + ENTRY_LIFETIME.toMillis();
        return update(roster -> {
                    customerIds.forEach(id -> roster.put(id, until));
                    return roster;
                })
                .then();
    }

    /** The roster as the fleet keeps it now. */
    Mono<Void> reload() {
        return state.findVersioned(key)
                .doOnNext(found -> seen = live(found.map(FleetState.Versioned::value)))
                .then();
    }

    /** Whether some stream of the fleet watches the customer (id in lower case), as this replica last saw. */
    boolean contains(String customerId) {
        Map<String, Long> roster = seen;
        return !roster.isEmpty() && roster.containsKey(customerId);
    }

    /** How many customers the fleet watches, as this replica last saw. */
    int size() {
        return seen.size();
    }

    // Read, change, write if nobody wrote in between; else again. null from the change: refused, nothing written.
    private Mono<Boolean> update(UnaryOperator<Map<String, Long>> change) {
        return Mono.defer(() -> state.findVersioned(key).flatMap(found -> {
                    Map<String, Long> before = live(found.map(FleetState.Versioned::value));
                    Map<String, Long> after = change.apply(new TreeMap<>(before));
                    if (after == null) {
                        seen = before;
                        return Mono.just(false);
                    }
                    long version = found.map(FleetState.Versioned::version).orElse(0L);
                    return state.compareAndSet(key, json.writeValueAsString(after), version)
                            .flatMap(written -> {
                                if (written == 0) {
                                    return Mono.error(WrittenMeanwhile.INSTANCE);
                                }
                                seen = after;
                                return Mono.just(true);
                            });
                }))
                .retryWhen(Retry.max(ATTEMPTS).filter(failure -> failure == WrittenMeanwhile.INSTANCE))
                // Written by others ATTEMPTS times in a row: take the customers as watched, as with the state away.
                .onErrorResume(failure -> failure.getCause() == WrittenMeanwhile.INSTANCE, failure -> Mono.just(true));
    }

    private Map<String, Long> live(Optional<String> value) {
        if (value.isEmpty()) {
            return Map.of();
        }
        long now = clock.millis();
        TreeMap<String, Long> roster = json.readValue(value.get(), ROSTER);
        roster.values().removeIf(until -> until <= now);
        return roster;
    }

    /** Another replica wrote the roster between this one's read and write. */
    private static final class WrittenMeanwhile extends RuntimeException {
        static final WrittenMeanwhile INSTANCE = new WrittenMeanwhile();

        private WrittenMeanwhile() {
            super(null, null, false, false);
        }
    }
}
