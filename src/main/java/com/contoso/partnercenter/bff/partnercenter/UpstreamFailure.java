package com.contoso.partnercenter.bff.partnercenter;

import java.util.function.Predicate;

/**
 * What a circuit breaker counts as Partner Center failing: 5xx answers, unreadable answers, broken
 * connections and timeouts. 4xx answers (throttling included) are Partner Center working as designed,
 * and a missing token is our own problem, so neither ever opens a circuit. Named in application.yaml as
 * {@code record-failure-predicate}.
 */
public class UpstreamFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        if (!(failure instanceof PartnerCenterException e)) {
            return true;
        }
        if (e.upstreamStatus() > 0) {
            return e.upstreamStatus() >= 500;
        }
        return switch (e.kind()) {
            case UPSTREAM_UNREACHABLE, UPSTREAM_MALFORMED, UPSTREAM_TIMEOUT -> true;
            default -> false;
        };
    }
}
