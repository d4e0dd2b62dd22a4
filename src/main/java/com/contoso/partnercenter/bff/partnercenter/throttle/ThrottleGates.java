package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Partner Center's throttling, respected: a 429 closes the gate of its scope for its {@code Retry-After}, and
 * while a gate is closed the calls in its scope are answered at once instead of being sent. Microsoft counts
 * every request made during the wait against the limit and prolongs it, so asking anyway only makes it worse.
 *
 * <p>A gate's scope is one customer's calls of one operation ({@link ThrottleScope#CUSTOMER}, the default for
 * the per-customer operations) or all calls of the operation ({@link ThrottleScope#PARTNER}, always so for the
 * validation codes, which are the partner's). Scopes come from {@code partner-center.throttle.scope.<operation>};
 * the gates themselves live in a {@link GateStore}, this replica's or the fleet's.
 */
@Component
public final class ThrottleGates {

    // A retry that waited for its own 429's Retry-After comes back on a timer, not on this clock: they may differ
    // by milliseconds, and the wait is Partner Center's in whole seconds anyway.
    private static final Duration TIMER_SLACK = Duration.ofMillis(100);

    private final Map<Operation, ThrottleScope> scopes;
    private final GateStore store;
    private final Clock clock;
    private final MeterRegistry meters;

    ThrottleGates(PartnerCenterProperties properties, GateStore store, MeterRegistry meters, Clock clock) {
        this.scopes = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            scopes.put(
                    operation,
                    properties.throttle().scope().getOrDefault(operation.instanceName(), ThrottleScope.CUSTOMER));
        }
        this.store = store;
        this.meters = meters;
        this.clock = clock;
        for (Operation operation : Operation.values()) {
            String prefix = prefix(operation);
            Gauge.builder("partner.center.throttle.gates.closed", store, gates -> gates.closedNow(prefix))
                    .description("Throttle gates closed now: scopes whose calls are not sent to Partner Center")
                    .tag("operation", operation.instanceName())
                    .register(meters);
        }
    }

    /** How long the gate of this call's scope stays closed (a refusal, counted); zero when it is open. */
    public Mono<Duration> remaining(Operation operation, String customerId) {
        return Mono.defer(() -> store.closedUntil(key(operation, customerId)))
                .map(until -> Duration.between(clock.instant(), until))
                .filter(left -> left.compareTo(TIMER_SLACK) > 0)
                .doOnNext(left -> meters.counter(
                                "partner.center.throttle.gate.refused", "operation", operation.instanceName())
                        .increment())
                .defaultIfEmpty(Duration.ZERO);
    }

    /** Closes the gate of this call's scope for {@code wait}; a gate already closed for longer stays so. */
    public Mono<Void> close(Operation operation, String customerId, Duration wait) {
        return Mono.defer(() -> {
            meters.counter("partner.center.throttle.gate.closed", "operation", operation.instanceName())
                    .increment();
            return store.close(key(operation, customerId), clock.instant().plus(wait));
        });
    }

    private String key(Operation operation, String customerId) {
        boolean partner = !operation.perCustomer() || scopes.get(operation) == ThrottleScope.PARTNER;
        return partner ? prefix(operation) : prefix(operation) + customerId.toLowerCase(Locale.ROOT);
    }

    private static String prefix(Operation operation) {
        return operation.instanceName() + ":";
    }
}
