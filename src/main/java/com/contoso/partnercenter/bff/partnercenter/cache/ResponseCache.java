package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * Partner Center's GET answers per customer for a short time, and one upstream call however many portals ask
 * the same question at once. Answers live in one map and calls in flight in another, so a failed call is never
 * kept, never reused and never reported by the cache itself: its one log line is the client's. Behind this
 * replica's memory the {@link SharedAnswers} of the fleet, if there is one.
 */
public final class ResponseCache {

    private record Key(Operation operation, String customerId) {
        String shared() {
            return operation.instanceName() + ":" + customerId;
        }
    }

    /** An answer kept, until when it holds; {@code value} is null for "no value". */
    private record Kept(Object value, Instant expiresAt) {}

    /** A call in flight: its answer, for everyone who asks meanwhile; stale once the customer changed. */
    private static final class Load {
        final CompletableFuture<Kept> answer = new CompletableFuture<>();
        volatile boolean stale;
    }

    private final Cache<Key, Kept> answers;
    private final Map<Key, Load> loading = new ConcurrentHashMap<>();
    private final SharedAnswers shared;
    private final Duration ttl;
    private final MeterRegistry meters;
    private final Clock clock;

    public ResponseCache(CacheProperties properties, SharedAnswers shared, MeterRegistry meters, Clock clock) {
        this.shared = shared;
        this.ttl = properties.ttl();
        this.meters = meters;
        this.clock = clock;
        this.answers = ttl.isZero()
                ? null
                : Caffeine.newBuilder()
                        .expireAfter(Expiry.<Key, Kept>creating((key, kept) -> Deadline.left(clock, kept.expiresAt())))
                        .maximumSize(properties.maxSize())
                        .build();
        shared.onInvalidation(customerId -> {
            if (customerId == null) {
                drop(); // the fleet may have changed answers while this replica could not hear of it
            } else {
                drop(customerId);
            }
        });
    }

    @SuppressWarnings("unchecked")
    public <T> Mono<T> get(Operation operation, String customerId, TypeReference<T> type, Supplier<Mono<T>> load) {
        if (answers == null) {
            return load.get();
        }
        return Mono.deferContextual(context -> {
            CacheStatus status = context.getOrDefault(CacheStatus.class, new CacheStatus());
            Key key = new Key(operation, customerId.toLowerCase(Locale.ROOT));
            Kept cached = answers.getIfPresent(key);
            if (cached != null && cached.expiresAt().isAfter(clock.instant())) {
                status.hit();
                count(operation, "hit");
                return Mono.justOrEmpty((T) cached.value());
            }
            var mine = new Load();
            Load running = loading.putIfAbsent(key, mine);
            if (running != null) {
                status.collapsed();
                count(operation, "collapsed");
                return Mono.fromFuture(running.answer, true).mapNotNull(kept -> (T) kept.value());
            }
            status.miss();
            // Not tied to this caller: if it goes away, the others waiting for the answer still get it. The caller's
            // context goes along: it carries the correlation id Partner Center will see.
            shared.answer(key.customerId(), key.shared(), type, ttl, Mono.defer(load))
                    .contextWrite(context)
                    .subscribe(
                            answer -> {
                                switch (answer.source()) {
                                    case FLEET -> status.sharedHit();
                                    case FLEET_AFTER_WAIT -> status.sharedCollapsed();
                                    case PARTNER_CENTER -> {}
                                }
                                count(operation, result(answer.source()));
                                settle(key, mine, new Kept(answer.value(), answer.expiresAt()));
                            },
                            failure -> {
                                count(operation, "miss");
                                loading.remove(key, mine);
                                mine.answer.completeExceptionally(failure);
                            });
            return Mono.fromFuture(mine.answer, true).mapNotNull(kept -> (T) kept.value());
        });
    }

    private static String result(SharedAnswers.Source source) {
        return switch (source) {
            case PARTNER_CENTER -> "miss";
            case FLEET -> "fleet-hit";
            case FLEET_AFTER_WAIT -> "fleet-collapsed";
        };
    }

    private void settle(Key key, Load load, Kept kept) {
        // Kept before the call leaves the in-flight map, so there is no moment in which neither holds it.
        if (!load.stale) {
            answers.put(key, kept);
            if (load.stale) {
                answers.asMap().remove(key, kept); // the customer changed while it was being kept
            }
        }
        loading.remove(key, load);
        load.answer.complete(kept);
    }

    /**
     * After a change, the customer's answers are stale here and, for the fleet, everywhere: completes once the
     * fleet was told (never with an error: without Redis, each replica is alone anyway).
     */
    public Mono<Void> invalidate(String customerId) {
        if (answers == null) {
            return Mono.empty();
        }
        String customer = customerId.toLowerCase(Locale.ROOT);
        drop(customer);
        return shared.invalidate(
                customer,
                Arrays.stream(Operation.values())
                        .map(operation -> new Key(operation, customer).shared())
                        .toList());
    }

    // This replica's copies of the customer's answers, and the calls asked before the change.
    private void drop(String customerId) {
        if (answers == null) {
            return;
        }
        String customer = customerId.toLowerCase(Locale.ROOT);
        answers.asMap().keySet().removeIf(key -> key.customerId().equals(customer));
        loading.entrySet().removeIf(entry -> {
            boolean theirs = entry.getKey().customerId().equals(customer);
            if (theirs) {
                entry.getValue().stale = true;
            }
            return theirs;
        });
    }

    private void drop() {
        if (answers != null) {
            answers.invalidateAll();
        }
    }

    private void count(Operation operation, String result) {
        meters.counter("partner.center.cache.requests", "operation", operation.instanceName(), "result", result)
                .increment();
    }
}
