package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Instant;
import reactor.core.publisher.Mono;

/** Throttle gates in this replica's memory; each leaves by itself when it opens. */
public final class LocalGateStore implements GateStore {

    private static final int MAX_GATES = 100_000;

    private final Clock clock;
    private final Cache<String, Instant> closed;

    public LocalGateStore(Clock clock) {
        this.clock = clock;
        this.closed = Caffeine.newBuilder()
                .maximumSize(MAX_GATES)
                .expireAfter(Expiry.<String, Instant>writing((gate, until) -> Deadline.left(clock, until)))
                .build();
    }

    @Override
    public Mono<Instant> closedUntil(String gate) {
        return Mono.fromSupplier(() -> closedUntilNow(gate));
    }

    Instant closedUntilNow(String gate) {
        Instant until = closed.getIfPresent(gate);
        return until != null && until.isAfter(clock.instant()) ? until : null;
    }

    @Override
    public void close(String gate, Instant until) {
        closed.asMap().merge(gate, until, (old, now) -> now.isAfter(old) ? now : old);
    }

    @Override
    public long closedNow(String prefix) {
        Instant now = clock.instant();
        return closed.asMap().entrySet().stream()
                .filter(gate ->
                        gate.getKey().startsWith(prefix) && gate.getValue().isAfter(now))
                .count();
    }
}
