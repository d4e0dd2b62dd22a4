package com.contoso.partnercenter.bff.partnercenter;

import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a failed attempt is tried again, by the contract's rule: Partner Center's own {@code isRetryable}
 * decides whenever its answer carries it, whatever the status. Without it, a GET is retried on 408, 429,
 * 500, 502, 503, 504, broken connections, unreadable answers and attempts that timed out; a POST only
 * when it certainly never reached Partner Center, because Partner Center may have acted on it.
 */
record RetryDecision(boolean idempotent) implements Predicate<Throwable> {

    private static final Set<Integer> RETRIED_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    @Override
    public boolean test(Throwable failure) {
        if (!(failure instanceof PartnerCenterException e)) {
            return false; // an open circuit, a full bulkhead: trying again at once cannot help
        }
        if (e.pastDeadline()) {
            return false;
        }
        if (e.upstreamRetryable() != null) {
            return e.upstreamRetryable();
        }
        if (e.upstreamStatus() > 0) {
            return idempotent && RETRIED_STATUSES.contains(e.upstreamStatus());
        }
        return switch (e.kind()) {
            case UPSTREAM_UNREACHABLE -> idempotent || !e.reachedUpstream();
            case UPSTREAM_MALFORMED, UPSTREAM_TIMEOUT -> idempotent;
            default -> false; // no token, or a wait past the deadline: already final
        };
    }
}
