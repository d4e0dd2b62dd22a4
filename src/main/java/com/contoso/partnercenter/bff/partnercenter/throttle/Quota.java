package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The partner's quota per operation ({@code partner-center.quota.<operation>.requests-per-minute}), counted for
 * the whole fleet in its state: a token bucket as one paced counter (GCRA), a burst of the whole quota and one
 * more request each sixtieth of a minute. Each request to Partner Center takes a turn; over the quota a call
 * reserves the next turn if it comes within its deadline and waits for it, so the fleet's calls are served in
 * turn, and answers 503 with {@code Retry-After} otherwise.
 *
 * <p>While the state is away (or does not answer a turn within the fleet timeout) each replica counts in its own
 * memory instead: it fails open, as Spring Cloud Gateway's and Envoy's distributed limiters do, rather than
 * refusing every call. That count is charged with every turn the fleet gave this replica, so a replica that
 * stands in for a moment (a slow answer) spends what it has left, not a fresh quota; over a long outage the
 * fleet may send up to its number of replicas times the quota.
 */
public final class Quota {

    // Long enough that a charge is never refused: it only counts a turn the fleet gave.
    private static final Duration ANY_WAIT = Duration.ofDays(365);

    private final QuotaProperties properties;
    private final FleetState state;
    private final InMemoryFleetState standIn;

    public Quota(QuotaProperties properties, FleetState state) {
        this.properties = properties;
        this.state = state;
        this.standIn = state.standIn();
    }

    /** Completes when a request of the operation may be sent, within {@code maxWait}; else a 503. */
    public Mono<Void> acquire(Operation operation, Duration maxWait) {
        int perMinute = properties.requestsPerMinute(operation);
        if (perMinute <= 0) {
            return Mono.empty();
        }
        // The quota in the key: a changed quota is a new counter, and during a rollout old and new replicas each
        // keep their own.
        String counter = state.key("quota:" + operation.instanceName() + ":" + perMinute);
        Duration interval = Duration.ofMinutes(1).dividedBy(perMinute);
        return state.takeTurn(counter, interval, perMinute, maxWait)
                .doOnNext(turn -> {
                    if (!turn.isNegative() && state.reachesOtherReplicas()) {
                        standIn.takeTurn(counter, interval, perMinute, ANY_WAIT).subscribe();
                    }
                })
                .switchIfEmpty(Mono.defer(() -> standIn.takeTurn(counter, interval, perMinute, maxWait)))
                .flatMap(turn -> turn.isNegative()
                        ? Mono.error(PartnerCenterException.quotaExhausted(operation, turn.negated()))
                        : turn.isZero() ? Mono.<Void>empty() : Mono.delay(turn).then());
    }
}
