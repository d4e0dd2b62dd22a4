package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Partner Center's throttling, respected: a 429 closes the gate of its scope for its {@code Retry-After}, and
 * while a gate is closed the calls in its scope are answered at once instead of being sent. Microsoft counts
 * every request made during the wait against the limit and prolongs it, so asking anyway only makes it worse.
 *
 * <p>A gate's scope is one customer's calls of one operation ({@link ThrottleScope#CUSTOMER}, the default for
 * the per-customer operations) or all calls of the operation ({@link ThrottleScope#PARTNER}, always so for the
 * validation codes, which are the partner's). Scopes come from {@code partner-center.throttle.scope.<operation>}.
 */
public final class ThrottleGates {

    private static final int MAX_GATES = 100_000;

    private final Map<Operation, ThrottleScope> scopes;
    private final Clock clock;
    private final MeterRegistry meters;
    // Gate key → the instant it opens again; each entry leaves by itself when its gate opens.
    private final Cache<String, Instant> closed;

    public ThrottleGates(Map<Operation, ThrottleScope> scopes, MeterRegistry meters, Clock clock) {
        this.scopes = scopes;
        this.meters = meters;
        this.clock = clock;
        this.closed = Caffeine.newBuilder()
                .maximumSize(MAX_GATES)
                .expireAfter(Expiry.<String, Instant>writing((key, until) -> waitFromNow(until)))
                .build();
        for (Operation operation : Operation.values()) {
            String prefix = prefix(operation);
            Gauge.builder("partner.center.throttle.gates.closed", closed, gates -> count(gates, prefix))
                    .description("Throttle gates closed now: scopes whose calls are not sent to Partner Center")
                    .tag("operation", operation.instanceName())
                    .register(meters);
        }
    }

    /** How long the gate of this call's scope stays closed; zero when it is open. */
    public Duration remaining(Operation operation, String customerId) {
        Instant until = closed.getIfPresent(key(operation, customerId));
        Duration left = until == null ? Duration.ZERO : waitFromNow(until);
        if (!left.isZero()) {
            meters.counter("partner.center.throttle.gate.refused", "operation", operation.instanceName())
                    .increment();
        }
        return left;
    }

    /** Closes the gate of this call's scope for {@code wait}; a gate already closed for longer stays so. */
    public void close(Operation operation, String customerId, Duration wait) {
        Instant until = clock.instant().plus(wait);
        closed.asMap().merge(key(operation, customerId), until, (old, now) -> now.isAfter(old) ? now : old);
        meters.counter("partner.center.throttle.gate.closed", "operation", operation.instanceName())
                .increment();
    }

    private String key(Operation operation, String customerId) {
        boolean partner = !operation.perCustomer() || scopes.get(operation) == ThrottleScope.PARTNER;
        return partner ? prefix(operation) : prefix(operation) + customerId.toLowerCase(Locale.ROOT);
    }

    private static String prefix(Operation operation) {
        return operation.instanceName() + ":";
    }

    private Duration waitFromNow(Instant until) {
        Duration left = Duration.between(clock.instant(), until);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private double count(Cache<String, Instant> gates, String prefix) {
        Instant now = clock.instant();
        return gates.asMap().entrySet().stream()
                .filter(gate ->
                        gate.getKey().startsWith(prefix) && gate.getValue().isAfter(now))
                .count();
    }
}
