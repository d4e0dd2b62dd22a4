package com.contoso.partnercenter.bff.partnercenter.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * Answers beyond this replica's memory: in fleet mode, Redis behind the in-process cache, so the fleet asks
 * Partner Center once per customer and TTL. Alone, a replica has nobody to share with ({@link #none}).
 */
public interface SharedAnswers {

    /** Where an answer came from. */
    enum Source {
        /** This replica asked Partner Center. */
        PARTNER_CENTER,
        /** Another replica had it already. */
        FLEET,
        /** Another replica was asking Partner Center; this one waited for its answer. */
        FLEET_AFTER_WAIT
    }

    /** An answer ({@code null} for none, such as no synchronous qualification), until when it holds, and whence. */
    record Answer(Object value, Instant expiresAt, Source source) {}

    /**
     * The answer to {@code key}, a question about {@code customerId}: the fleet's when another replica has it,
     * else {@code load}'s, which one replica at a time runs for the whole fleet. Failures are never shared.
     */
    <T> Mono<Answer> answer(String customerId, String key, TypeReference<T> type, Duration ttl, Mono<T> load);

    /**
     * The customer's answers are stale on every replica: gone from the fleet, and each replica told. Completes
     * when both are done or could not be (never with an error).
     */
    Mono<Void> invalidate(String customerId, Iterable<String> keys);

    /** What to do when another replica invalidated a customer; also told {@code null} when every answer may be stale. */
    void onInvalidation(Consumer<String> customerId);

    /** A replica alone: every answer is its own, asked now and holding {@code ttl} by {@code clock}. */
    static SharedAnswers none(Clock clock) {
        return new SharedAnswers() {
            @Override
            public <T> Mono<Answer> answer(
                    String customerId, String key, TypeReference<T> type, Duration ttl, Mono<T> load) {
                return fresh(load, ttl, clock);
            }

            @Override
            public Mono<Void> invalidate(String customerId, Iterable<String> keys) {
                return Mono.empty();
            }

            @Override
            public void onInvalidation(Consumer<String> customerId) {}
        };
    }

    /** {@code load}'s answer from Partner Center, holding {@code ttl} from when it came. */
    static Mono<Answer> fresh(Mono<?> load, Duration ttl, Clock clock) {
        return load.map(value -> new Answer(value, clock.instant().plus(ttl), Source.PARTNER_CENTER))
                .switchIfEmpty(
                        Mono.fromSupplier(() -> new Answer(null, clock.instant().plus(ttl), Source.PARTNER_CENTER)));
    }
}
