package com.contoso.partnercenter.bff.partnercenter.cache;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * The last answer Partner Center gave to each question, for when it cannot answer (RFC 5861 stale-if-error):
 * kept apart from the fresh answers, so that neither crowds the other out, bounded by count and by age, in this
 * replica's memory and, in fleet mode, in the fleet's state ({@link SharedAnswers}), where a replica started
 * during an outage finds them. Which failures a last-known answer may stand in for is {@link
 * PartnerCenterException#lastKnownAnswerMayStandIn()}'s rule; which answers a caller may use, the caller's
 * (purchase eligibility fails closed). A replica writes one line when it starts answering them for an operation
 * and one when Partner Center answers that operation again, not one per request: the failures have theirs.
 */
@Component
final class LastKnownAnswers {

    static final String METER = "partner.center.stale.answers";
    private static final Duration QUIET = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(LastKnownAnswers.class);

    private final boolean enabled;
    private final Cache<ResponseCache.Key, ResponseCache.Kept> known;
    private final SharedAnswers shared;
    private final Duration ttl;
    private final Duration staleIfError;
    // Per operation, when this replica last answered a last-known answer, while it is answering them.
    private final Map<Operation, Instant> answering = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Clock clock;

    LastKnownAnswers(PartnerCenterProperties settings, SharedAnswers shared, MeterRegistry meters, Clock clock) {
        PartnerCenterProperties.Cache properties = settings.cache();
        this.enabled = !properties.ttl().isZero() && !properties.staleIfError().isZero();
        this.shared = shared;
        this.ttl = properties.ttl();
        this.staleIfError = properties.staleIfError();
        this.meters = meters;
        this.clock = clock;
        this.known = Caffeine.newBuilder()
                // From each answer kept, the newer one replacing the older: a customer read every day keeps its
                // last answer for staleIfError after the latest read, not after the first. On the service's clock,
                // as every other expiry here.
                .expireAfter(Expiry.<ResponseCache.Key, ResponseCache.Kept>writing(
                        (key, kept) -> Deadline.left(clock, until(kept))))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .maximumSize(properties.lastKnownMaxSize())
                .executor(Runnable::run) // bounded as they are kept, not a moment later: they are the bulky ones
                .build();
        for (Operation operation : Operation.values()) {
            if (operation.idempotent()) {
                meters.counter(METER, "operation", operation.instanceName()); // 0 from the start, for rate()
            }
        }
    }

    /** Whether last-known answers are kept at all: the cache on, and {@code partner-center.cache.stale-if-error} above 0. */
    boolean enabled() {
        return enabled;
    }

    // When it is too old to be answered: staleIfError after Partner Center gave it.
    private Instant until(ResponseCache.Kept kept) {
        return kept.expiresAt().minus(ttl).plus(staleIfError);
    }

    void keep(ResponseCache.Key key, ResponseCache.Kept kept) {
        known.put(key, kept);
    }

    /** The answer was kept although the customer changed meanwhile. */
    void unkeep(ResponseCache.Key key, ResponseCache.Kept kept) {
        known.asMap().remove(key, kept);
    }

    void drop(String customerId) {
        known.asMap().keySet().removeIf(key -> key.customerId().equals(customerId));
    }

    void dropAll() {
        known.invalidateAll();
    }

    /**
     * Partner Center answered {@code operation}: if this replica was answering last-known answers and has answered
     * none for a minute, it has stopped. The minute keeps one customer that fails while the others are answered
     * from writing a line per request.
     */
    void answered(Operation operation) {
        Instant last = answering.get(operation);
        if (last != null && !last.plus(QUIET).isAfter(clock.instant()) && answering.remove(operation, last)) {
            log.info("Partner Center answers {} again: no more last-known answers for it", operation.instanceName());
        }
    }

    /**
     * Instead of {@code failure}, the last-known answer to {@code key} when there is one young enough that the
     * caller finds {@code acceptable}; otherwise the failure. Looked up at once: a failure that came at once (an
     * open circuit, a closed gate) is answered at once.
     */
    <T> Mono<ResponseCache.Kept> instead(
            ResponseCache.Key key,
            PartnerCenterException failure,
            TypeReference<T> type,
            Predicate<T> acceptable,
            CacheStatus status) {
        if (!failure.lastKnownAnswerMayStandIn()) {
            if (failure.supersedesLastKnownAnswer()) {
                known.invalidate(key);
                return shared.forgetLastKnown(key.customerId(), key.shared()).then(Mono.error(failure));
            }
            return Mono.error(failure);
        }
        ResponseCache.Kept mine = known.getIfPresent(key);
        Mono<ResponseCache.Kept> found = mine != null
                ? Mono.just(mine)
                : shared.lastKnown(key.customerId(), key.shared(), type, ttl)
                        .map(answer -> new ResponseCache.Kept(answer.value(), answer.expiresAt()));
        return Mono.defer(() -> found.filter(kept -> until(kept).isAfter(clock.instant()))
                // The caller's rule is for stale answers; a fresh one only crowded out of the cache is just an answer.
                .filter(kept -> kept.expiresAt().isAfter(clock.instant()) || acceptsValue(acceptable, kept))
                .switchIfEmpty(Mono.error(failure))
                // handle, not doOnNext: it restores the request's correlation id and portal for the line it may write.
                .handle((kept, sink) -> {
                    Instant now = clock.instant();
                    if (kept.expiresAt().isAfter(now)) {
                        // Still fresh, only crowded out of the fresh answers: a hit, not a stale answer.
                        status.hit();
                        status.freshUntil(kept.expiresAt());
                    } else {
                        status.stale(kept.expiresAt().minus(ttl), kept.expiresAt(), now);
                        meters.counter(METER, "operation", key.operation().instanceName())
                                .increment();
                        if (answering.put(key.operation(), now) == null) {
                            log.warn(
                                    "Partner Center cannot answer {} ({}): answering last-known answers up to {} old",
                                    key.operation().instanceName(),
                                    failure.type(),
                                    staleIfError);
                        }
                    }
                    sink.next(kept);
                }));
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean acceptsValue(Predicate<T> acceptable, ResponseCache.Kept kept) {
        return acceptable.test((T) kept.value());
    }
}
