package com.contoso.partnercenter.bff.partnercenter.throttle;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.Portals;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The partner's quota per operation ({@code partner-center.quota.<operation>.requests-per-minute}), counted for
 * the whole fleet in its state as token buckets, each one paced counter (GCRA): a burst of a minute's worth and
 * one more request each sixtieth of a minute.
 *
 * <p>One portal alone (none configured) has the whole quota: over it a call reserves the next turn if it comes
 * within its deadline and waits for it, so the fleet's calls are served in turn, and answers 503 {@code
 * quota-exhausted} with {@code Retry-After} otherwise.
 *
 * <p>Several portals share it fairly and without waste: each has a bucket of {@code quota × share ÷ sum of
 * shares} a minute, its guarantee, and a call takes a turn of its own portal's bucket if one is free. If none is,
 * it borrows a free turn from another portal's bucket, but only while that one holds more than half its burst,
 * so that a portal under its guarantee always finds its own turns, however hard another floods. Nothing free: a
 * 429 {@code portal-over-share} with {@code Retry-After} (when its own next turn is free), at once, rather than a
 * wait behind its own flood that would hold its callers up to the deadline. The buckets' rates add up to the
 * quota, so the partner never sends more than it.
 *
 * <p>While the state is away (or does not answer a turn within the fleet timeout) each replica counts in its own
 * memory instead: it fails open, as Spring Cloud Gateway's and Envoy's distributed limiters do, rather than
 * refusing every call. That count is charged with every turn the fleet gave this replica, so a replica that
 * stands in for a moment (a slow answer) spends what it has left, not a fresh quota; over a long outage the
 * fleet may send up to its number of replicas times the quota.
 */
@Component
public final class Quota {

    // Long enough that a charge is never refused: it only counts a turn the fleet gave.
    private static final Duration ANY_WAIT = Duration.ofDays(365);

    private final Map<String, PartnerCenterProperties.Limit> limits;
    private final Portals portals;
    private final FleetState state;
    private final InMemoryFleetState standIn;

    Quota(PartnerCenterProperties properties, Portals portals, FleetState state, MeterRegistry meters) {
        this.limits = properties.quota();
        this.portals = portals;
        this.state = state;
        this.standIn = state.standIn();
        describeTo(meters);
    }

    /** The operation's requests per minute, or 0 when it has no quota. */
    private int requestsPerMinute(Operation operation) {
        PartnerCenterProperties.Limit limit = limits.get(operation.instanceName());
        return limit == null ? 0 : limit.requestsPerMinute();
    }

    /** One portal's token bucket of an operation's quota. */
    private record Bucket(String counter, Duration interval, int burst) {}

    /**
     * Completes when a request of the operation from {@code portal} may be sent, within {@code maxWait}; else a 503
     * (the quota used up) or, when portals share it, a 429 (the portal over its share).
     */
    public Mono<Void> acquire(Operation operation, String portal, Duration maxWait) {
        int perMinute = requestsPerMinute(operation);
        if (perMinute <= 0) {
            return Mono.empty();
        }
        if (!portals.shared()) {
            // The quota in the key: a changed quota is a new counter, and during a rollout old and new replicas each
            // keep their own.
            var whole = new Bucket(
                    state.key("quota:" + operation.instanceName() + ":" + perMinute),
                    Duration.ofMinutes(1).dividedBy(perMinute),
                    perMinute);
            return turn(whole, whole.burst(), maxWait)
                    .flatMap(turn -> turn.isNegative()
                            ? Mono.error(PartnerCenterException.quotaExhausted(operation, turn.negated()))
                            : turn.isZero()
                                    ? Mono.<Void>empty()
                                    : Mono.delay(turn).then());
        }
        Map<String, Integer> shares = portals.shares();
        String mine = shares.containsKey(portal) ? portal : Portals.OTHER;
        Bucket own = bucket(operation, perMinute, mine, shares);
        return turn(own, own.burst(), Duration.ZERO)
                .filter(turn -> !turn.isNegative())
                // The other portals' buckets, only when this call has to borrow.
                .switchIfEmpty(Flux.fromIterable(shares.keySet())
                        .filter(name -> !name.equals(mine))
                        .map(name -> bucket(operation, perMinute, name, shares))
                        // More than half of the other portal's burst left: a turn it does not need now.
                        .concatMap(other ->
                                turn(other, other.burst() / 2, Duration.ZERO).filter(turn -> !turn.isNegative()))
                        .next())
                .switchIfEmpty(Mono.defer(() -> turn(own, own.burst(), ANY_WAIT.negated())
                        .flatMap(wait -> Mono.error(PartnerCenterException.portalOverShare(
                                operation, mine, wait.isNegative() ? wait.negated() : own.interval())))))
                .then();
    }

    /**
     * Each portal's guarantee, {@code partner_center_portal_guaranteed_per_minute{portal,operation}}, for every
     * operation with a quota while portals share it: what the dashboard sets each portal's use against.
     */
    private void describeTo(MeterRegistry meters) {
        if (!portals.shared()) {
            return;
        }
        for (Operation operation : Operation.values()) {
            int perMinute = requestsPerMinute(operation);
            for (String portal : perMinute > 0 ? portals.everyShare().keySet() : Set.<String>of()) {
                Gauge.builder("partner.center.portal.guaranteed.per.minute", () -> {
                            Map<String, Integer> shares = portals.shares();
                            return shares.containsKey(portal) ? guaranteedPerMinute(perMinute, portal, shares) : 0;
                        })
                        .description(
                                "Calls a minute to Partner Center guaranteed to the portal: its share of the quota")
                        .tags("portal", portal, "operation", operation.instanceName())
                        .register(meters);
            }
        }
    }

    // The portal's part of the quota, at least one a minute.
    private static double guaranteedPerMinute(int perMinute, String portal, Map<String, Integer> shares) {
        return Math.max(1.0, (double) perMinute * shares.get(portal) / total(shares));
    }

    private static int total(Map<String, Integer> shares) {
        return shares.values().stream().mapToInt(Integer::intValue).sum();
    }

    // Shares and quota in the key, as above.
    private Bucket bucket(Operation operation, int perMinute, String portal, Map<String, Integer> shares) {
        double perMinuteOfPortal = guaranteedPerMinute(perMinute, portal, shares);
        return new Bucket(
                state.key("quota:" + operation.instanceName() + ":" + perMinute + ":" + portal + ":"
                        + shares.get(portal) + "of" + total(shares)),
                Duration.ofNanos((long) (Duration.ofMinutes(1).toNanos() / perMinuteOfPortal)),
                (int) Math.max(1, Math.floor(perMinuteOfPortal)));
    }

    /**
     * A turn of {@code bucket} counted as if its burst were {@code burst} (a smaller one leaves the rest to its
     * portal), in the fleet's state or, while it is away, this replica's memory. A negative {@code maxWait} takes
     * nothing and only says, negated, how long until a turn is free.
     */
    private Mono<Duration> turn(Bucket bucket, int burst, Duration maxWait) {
        if (burst < 1) {
            return Mono.just(bucket.interval().negated()); // nothing to spare in a bucket of one
        }
        return state.takeTurn(bucket.counter(), bucket.interval(), burst, maxWait)
                .doOnNext(turn -> {
                    if (!turn.isNegative() && state.reachesOtherReplicas()) {
                        standIn.takeTurn(bucket.counter(), bucket.interval(), burst, ANY_WAIT)
                                .subscribe();
                    }
                })
                .switchIfEmpty(Mono.defer(() -> standIn.takeTurn(bucket.counter(), bucket.interval(), burst, maxWait)));
    }
}
