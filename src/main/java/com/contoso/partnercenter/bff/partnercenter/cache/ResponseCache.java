package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Partner Center's GET answers per customer for a short time, and one upstream call however many portals ask
 * the same question at once. Answers live in one map and calls in flight in another, so a failed call is never
 * kept, never reused and never reported by the cache itself: its one log line is the client's.
 */
public final class ResponseCache {

    private record Key(Operation operation, String customerId) {}

    /** A call in flight: its answer, for everyone who asks meanwhile; stale once the customer changed. */
    private static final class Load {
        final CompletableFuture<Object> answer = new CompletableFuture<>();
        volatile boolean stale;
    }

    // Caffeine keeps no nulls; an empty answer (the synchronous qualification can be none) is kept as this.
    private static final Object EMPTY = new Object();

    private final Cache<Key, Object> answers;
    private final Map<Key, Load> loading = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public ResponseCache(CacheProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.answers = properties.ttl().isZero()
                ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(properties.ttl())
                        .maximumSize(properties.maxSize())
                        .build();
    }

    @SuppressWarnings("unchecked")
    public <T> Mono<T> get(Operation operation, String customerId, Supplier<Mono<T>> load) {
        if (answers == null) {
            return load.get();
        }
        return Mono.deferContextual(context -> {
            CacheStatus status = context.getOrDefault(CacheStatus.class, new CacheStatus());
            Key key = new Key(operation, customerId.toLowerCase(Locale.ROOT));
            Object cached = answers.getIfPresent(key);
            if (cached != null) {
                status.hit();
                count(operation, "hit");
                return cached == EMPTY ? Mono.empty() : Mono.just((T) cached);
            }
            var mine = new Load();
            Load running = loading.putIfAbsent(key, mine);
            if (running != null) {
                status.collapsed();
                count(operation, "collapsed");
                return Mono.fromFuture(running.answer, true).mapNotNull(value -> value == EMPTY ? null : (T) value);
            }
            status.miss();
            count(operation, "miss");
            // Not tied to this caller: if it goes away, the others waiting for the answer still get it. The caller's
            // context goes along: it carries the correlation id Partner Center will see.
            load.get()
                    .contextWrite(context)
                    .subscribe(
                            value -> settle(key, mine, value),
                            failure -> {
                                loading.remove(key, mine);
                                mine.answer.completeExceptionally(failure);
                            },
                            () -> settle(key, mine, null));
            return Mono.fromFuture(mine.answer, true).mapNotNull(value -> value == EMPTY ? null : (T) value);
        });
    }

    private void settle(Key key, Load load, Object value) {
        if (load.answer.isDone()) {
            return; // a value, then completion: settled on the value
        }
        Object answer = value != null ? value : EMPTY;
        // Kept before the call leaves the in-flight map, so there is no moment in which neither holds it.
        if (!load.stale) {
            answers.put(key, answer);
            if (load.stale) {
                answers.asMap().remove(key, answer); // the customer changed while it was being kept
            }
        }
        loading.remove(key, load);
        load.answer.complete(answer);
    }

    /** After a change, the customer's answers are stale, and so are the calls asked before it. */
    public void invalidate(String customerId) {
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

    private void count(Operation operation, String result) {
        meters.counter("partner.center.cache.requests", "operation", operation.instanceName(), "result", result)
                .increment();
    }
}
