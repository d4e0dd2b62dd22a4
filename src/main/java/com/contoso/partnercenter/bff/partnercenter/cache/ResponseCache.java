package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.upstream.CallsInFlight;
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
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * Partner Center's GET answers per customer for a short time, and one upstream call however many portals ask
 * the same question at once. Answers live in one map and calls in flight in another, so a failed call is never
 * kept, never reused and never reported by the cache itself: its one log line is the client's. Behind this
 * replica's memory the {@link SharedAnswers} of the fleet, if there is one. When Partner Center cannot answer, the
 * {@link LastKnownAnswers} may answer instead.
 */
@Component
public final class ResponseCache {

    record Key(Operation operation, String customerId) {
        String shared() {
            return operation.instanceName() + ":" + customerId;
        }
    }

    /** An answer kept, until when it holds; {@code value} is null for "no value". */
    record Kept(Object value, Instant expiresAt) {}

    private final Cache<Key, Kept> answers;
    private final CallsInFlight<Key, Kept> loading = new CallsInFlight<>();
    private final SharedAnswers shared;
    private final LastKnownAnswers lastKnown;
    private final Duration ttl;
    private final MeterRegistry meters;
    private final Clock clock;

    ResponseCache(
            PartnerCenterProperties settings,
            SharedAnswers shared,
            LastKnownAnswers lastKnown,
            MeterRegistry meters,
            Clock clock) {
        PartnerCenterProperties.Cache properties = settings.cache();
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
        this.lastKnown = lastKnown.enabled() ? lastKnown : null;
        shared.onInvalidation(customerId -> {
            if (customerId == null) {
                drop(); // the fleet may have changed answers while this replica could not hear of it
            } else {
                drop(customerId);
            }
        });
    }

    /** The answer to {@code operation} about {@code customerId}, or, when Partner Center cannot answer, its last one. */
    public <T> Mono<T> get(Operation operation, String customerId, TypeReference<T> type, Supplier<Mono<T>> load) {
        return get(operation, customerId, type, load, answer -> true);
    }

    /**
     * Like {@link #get(Operation, String, TypeReference, Supplier)}, with a last-known answer used only when {@code
     * staleAcceptable} accepts it; otherwise Partner Center's failure is answered.
     */
    @SuppressWarnings("unchecked")
    public <T> Mono<T> get(
            Operation operation,
            String customerId,
            TypeReference<T> type,
            Supplier<Mono<T>> load,
            Predicate<T> staleAcceptable) {
        if (answers == null) {
            return load.get();
        }
        return Mono.deferContextual(context -> {
            CacheStatus status = context.getOrDefault(CacheStatus.class, new CacheStatus());
            Key key = new Key(operation, customerId.toLowerCase(Locale.ROOT));
            Kept cached = answers.getIfPresent(key);
            if (cached != null && cached.expiresAt().isAfter(clock.instant())) {
                status.hit();
                status.freshUntil(cached.expiresAt());
                count(operation, "hit");
                return Mono.justOrEmpty((T) cached.value());
            }
            // Not tied to this caller: if it goes away, the others waiting for the answer still get it. The caller's
            // context goes along: it carries the correlation id Partner Center will see.
            return loading.join(
                            key,
                            () -> {
                                status.miss();
                                return shared.answer(key.customerId(), key.shared(), type, ttl, Mono.defer(load))
                                        .doOnNext(answer -> {
                                            if (lastKnown != null
                                                    && answer.source() == SharedAnswers.Source.PARTNER_CENTER) {
                                                lastKnown.answered(operation);
                                            }
                                            switch (answer.source()) {
                                                case FLEET -> status.sharedHit();
                                                case FLEET_AFTER_WAIT -> status.sharedCollapsed();
                                                case PARTNER_CENTER -> {}
                                            }
                                            count(operation, result(answer.source()));
                                        })
                                        .doOnError(failure -> count(operation, "miss"))
                                        .map(answer -> new Kept(answer.value(), answer.expiresAt()));
                            },
                            context,
                            kept -> {
                                answers.put(key, kept);
                                if (lastKnown != null) {
                                    lastKnown.keep(key, kept);
                                }
                            },
                            kept -> { // the customer changed while it was kept
                                answers.asMap().remove(key, kept);
                                if (lastKnown != null) {
                                    lastKnown.unkeep(key, kept);
                                }
                            },
                            () -> {
                                status.collapsed();
                                count(operation, "collapsed");
                            })
                    .doOnNext(kept -> status.freshUntil(kept.expiresAt()))
                    .onErrorResume(
                            failure -> lastKnown != null && failure instanceof PartnerCenterException,
                            failure -> lastKnown.instead(
                                    key, (PartnerCenterException) failure, type, staleAcceptable, status))
                    .flatMap(kept -> Mono.justOrEmpty((T) kept.value()));
        });
    }

    private static String result(SharedAnswers.Source source) {
        return switch (source) {
            case PARTNER_CENTER -> "miss";
            case FLEET -> "fleet-hit";
            case FLEET_AFTER_WAIT -> "fleet-collapsed";
        };
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
        if (lastKnown != null) {
            lastKnown.drop(customer);
        }
        loading.forget(key -> key.customerId().equals(customer));
    }

    private void drop() {
        if (answers != null) {
            answers.invalidateAll();
        }
        if (lastKnown != null) {
            lastKnown.dropAll(); // the fleet's copies, which an update deletes, are looked up instead
        }
    }

    private void count(Operation operation, String result) {
        meters.counter("partner.center.cache.requests", "operation", operation.instanceName(), "result", result)
                .increment();
    }
}
