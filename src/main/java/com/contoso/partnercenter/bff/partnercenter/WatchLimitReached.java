package com.contoso.partnercenter.bff.partnercenter;

import java.time.Duration;

/**
 * A stream would take the fleet's watch past {@code partner-center.watch.max-customers}: refused, with when to try
 * again (by then the customers of closed streams have left the watch).
 */
public final class WatchLimitReached extends RuntimeException {

    private final int limit;
    private final Duration retryAfter;

    WatchLimitReached(int limit, int watched, int asked, Duration retryAfter) {
        super("The service watches " + watched + " customers for the whole fleet, and " + asked
                + " more would pass its limit of " + limit + " (partner-center.watch.max-customers).");
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public int limit() {
        return limit;
    }

    /** Whole seconds, at least one. */
    public long retryAfterSeconds() {
        return Math.max(1, retryAfter.toSeconds());
    }
}
