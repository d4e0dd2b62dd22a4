package com.contoso.partnercenter.bff.partnercenter;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Partner Center's GET answers per customer for a short time, and one upstream call however many portals
 * ask the same question at once. Failed calls are never kept (Caffeine drops a future that failed), so an
 * error is never reused.
 */
final class ResponseCache {

    private record Key(Operation operation, String customerId) {}

    private final AsyncCache<Key, Object> cache;
    private final MeterRegistry meters;

    ResponseCache(PartnerCenterProperties.Cache properties, MeterRegistry meters) {
        this.meters = meters;
        this.cache = properties.ttl().isZero()
                ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(properties.ttl())
                        .maximumSize(properties.maxSize())
                        .buildAsync();
    }

    @SuppressWarnings("unchecked")
    <T> Mono<T> get(Operation operation, String customerId, Supplier<Mono<T>> load) {
        if (cache == null) {
            return load.get();
        }
        return Mono.deferContextual(context -> {
            CacheStatus status = context.getOrDefault(CacheStatus.class, new CacheStatus());
            Key key = new Key(operation, customerId.toLowerCase(Locale.ROOT));
            var mine = new CompletableFuture<Object>();
            CompletableFuture<Object> existing = cache.asMap().putIfAbsent(key, mine);
            if (existing != null) {
                boolean answered = existing.isDone() && !existing.isCompletedExceptionally();
                if (answered) {
                    status.hit();
                } else {
                    status.collapsed();
                }
                count(operation, answered ? "hit" : "collapsed");
                return Mono.fromFuture(existing, true).map(value -> (T) value);
            }
            status.miss();
            count(operation, "miss");
            // Not tied to this caller: if it goes away, the others waiting for the answer still get it. A failure
            // leaves the cache before anyone hears of it, so the next request asks Partner Center again. The
            // caller's context goes along: it carries the correlation id Partner Center will see.
            load.get()
                    .contextWrite(context)
                    .subscribe(
                            mine::complete,
                            failure -> {
                                cache.asMap().remove(key, mine);
                                mine.completeExceptionally(failure);
                            },
                            () -> mine.complete(null));
            return Mono.fromFuture(mine, true).map(value -> (T) value);
        });
    }

    /** After a change, the customer's answers are stale. */
    void invalidate(String customerId) {
        if (cache != null) {
            cache.asMap().keySet().removeIf(key -> key.customerId().equalsIgnoreCase(customerId));
        }
    }

    private void count(Operation operation, String result) {
        meters.counter("partner.center.cache.requests", "operation", operation.instanceName(), "result", result)
                .increment();
    }
}
