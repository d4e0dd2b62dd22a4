package com.contoso.partnercenter.bff.partnercenter.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * When a request's answer is due at the latest, in the Reactor context. Whoever makes a request wait before its
 * call (the fleet's shared answers, waiting for another replica's answer) sets it, so the call made after the
 * wait gets only what is left of partner-center.deadline, not a deadline of its own.
 */
public record Deadline(Instant at) {

    /** The earlier of {@code fallback} and the deadline in {@code context}. */
    public static Instant in(ContextView context, Instant fallback) {
        return context.getOrEmpty(Deadline.class)
                .map(deadline -> ((Deadline) deadline).at())
                .filter(at -> at.isBefore(fallback))
                .orElse(fallback);
    }

    /** How long until {@code at} by {@code clock}; zero once it has passed. */
    public static Duration left(Clock clock, Instant at) {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** {@code context} with this deadline, unless it holds an earlier one. */
    public Context within(Context context) {
        return context.put(Deadline.class, new Deadline(in(context, at)));
    }
}
