package com.contoso.partnercenter.bff.partnercenter.resilience;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.auth.ConsentState;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.throttle.Quota;
import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleGates;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.RequestContext;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Everything between one logical Partner Center call and its HTTP attempts, from Resilience4j instances
 * configured under {@code resilience4j.*} (one per {@link Operation}, the bulkhead shared):
 *
 * <pre>
 * deadline ( retry ( throttle gate ( quota ( bulkhead ( circuit breaker ( time limit ( one HTTP exchange ) ) ) ) ) ) )
 * </pre>
 *
 * What is retried, what the breaker counts and what closes a gate is {@link FailureKind}'s table; retries wait
 * at least what Partner Center's {@code Retry-After} asks, and a wait that would pass the deadline is not
 * taken. Every attempt of a call reuses its {@code MS-RequestId}, because the exchange given here is built
 * once per call. A call that fails writes one log line, after its retries, with its correlation id.
 */
@Component
public class UpstreamResilience {

    static final String BULKHEAD = "partner-center";

    // Partner Center's answers about the request itself, which it gives only to a token it accepted.
    private static final Set<Integer> ACCEPTED_TOKEN = Set.of(400, 404, 409, 412);

    private static final Logger log = LoggerFactory.getLogger(UpstreamResilience.class);

    private final Map<Operation, Policies> policies = new EnumMap<>(Operation.class);
    private final ThrottleGates gates;
    private final Quota quota;
    private final ConsentState consent;
    private final MeterRegistry meters;
    private final Duration deadline;
    private final Clock clock;

    private record Policies(TimeLimiter timeLimiter, OutageBreaker breaker, Bulkhead bulkhead, Retry retry) {}

    UpstreamResilience(
            RetryRegistry retries,
            OutageBreakers breakers,
            BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters,
            ThrottleGates gates,
            Quota quota,
            ConsentState consent,
            MeterRegistry meters,
            PartnerCenterProperties properties,
            Clock clock) {
        this.gates = gates;
        this.quota = quota;
        this.consent = consent;
        this.meters = meters;
        this.deadline = properties.deadline();
        this.clock = clock;
        Bulkhead bulkhead = bulkheads.bulkhead(BULKHEAD);
        for (Operation operation : Operation.values()) {
            String name = operation.instanceName();
            policies.put(
                    operation,
                    new Policies(
                            timeLimiters.timeLimiter(name), breakers.of(operation), bulkhead, retries.retry(name)));
        }
    }

    /**
     * One logical call of {@code operation} about {@code customerId} ({@code "all"} for the partner's own
     * data). {@code requestId} is the call's {@code MS-RequestId}.
     */
    public <T> Mono<T> call(Operation operation, String customerId, String requestId, Supplier<Mono<T>> exchange) {
        Policies p = policies.get(operation);
        // A customer's failures count once in the breaker's window; each call of the partner's codes is its own.
        String breakerKey = operation.perCustomer() ? customerId.toLowerCase(Locale.ROOT) : requestId;
        return Mono.deferContextual(context -> {
            String portal = RequestContext.portal(context);
            // A request that waited (for another replica's answer) has only what is left of its deadline.
            Instant deadlineAt = Deadline.in(context, clock.instant().plus(deadline));
            var attempts = new AtomicInteger();
            Mono<T> attempt = gates.remaining(operation, customerId).flatMap(closed -> {
                if (!closed.isZero()) {
                    return Mono.error(PartnerCenterException.gateClosed(operation, closed));
                }
                // The partner's quota, if it has one: wait for a turn while the deadline leaves an attempt's time.
                Mono<Void> turn = quota.acquire(
                        operation,
                        portal,
                        Duration.between(clock.instant(), deadlineAt)
                                .minus(p.timeLimiter.getTimeLimiterConfig().getTimeoutDuration()));
                // Counted when it is sent, so refusals by the bulkhead or the breaker are not attempts.
                Mono<T> limited = Mono.defer(() -> {
                            attempts.incrementAndGet();
                            return exchange.get();
                        })
                        .transform(TimeLimiterOperator.of(p.timeLimiter))
                        .onErrorMap(
                                TimeoutException.class,
                                e -> PartnerCenterException.attemptTimedOut(
                                        operation,
                                        p.timeLimiter.getTimeLimiterConfig().getTimeoutDuration(),
                                        e))
                        // Once per attempt: doOnSuccess fires for a value and for an empty answer alike.
                        .doOnSuccess(value -> {
                            countAttempt(operation, null);
                            consentSeen(operation, null, context);
                        })
                        .doOnError(e -> {
                            countAttempt(operation, e);
                            consentSeen(operation, e, context);
                        });
                return turn.then(p.breaker
                                .protect(operation, breakerKey, limited)
                                .transform(BulkheadOperator.of(p.bulkhead)))
                        .onErrorMap(BulkheadFullException.class, e -> PartnerCenterException.overloaded(operation))
                        // The gate is closed for the fleet before the failure goes on (to a retry, or the portal).
                        .onErrorResume(
                                PartnerCenterException.class,
                                e -> e.kind().closesGate()
                                        ? gates.close(operation, customerId, e.retryAfter())
                                                .then(Mono.error(e))
                                        : Mono.error(e))
                        .onErrorMap(PartnerCenterException.class, e -> pastDeadline(e, deadlineAt));
            });
            return attempt.transform(RetryOperator.of(p.retry))
                    .timeout(
                            Deadline.left(clock, deadlineAt),
                            Mono.error(() -> PartnerCenterException.deadlineExceeded(operation, deadline)))
                    .doOnError(e -> RequestContext.inScope(
                            context, () -> logFailure(operation, customerId, e, attempts.get())));
        });
    }

    private PartnerCenterException pastDeadline(PartnerCenterException e, Instant deadlineAt) {
        boolean waitTooLong = e.retriedNow()
                && e.retryAfter() != null
                && clock.instant().plus(e.retryAfter()).isAfter(deadlineAt);
        return waitTooLong ? PartnerCenterException.waitPastDeadline(e) : e;
    }

    /**
     * What an App+User attempt says of the service's consent: Partner Center's 401 900421 that a person must renew
     * it (Entra ID's refusals are seen where the token is asked for); a 2xx, or a 400, 404, 409 or 412 (answers
     * about the request, given only once the token passed), that Partner Center accepted the token, so a renewed
     * consent is noticed on the first call that goes through. A 5xx or 429 may come from in front of the token
     * check, and proves nothing. The consent's lines name the call that saw it: its context is restored for them,
     * only then, since this runs on every call.
     */
    private void consentSeen(Operation operation, Throwable failure, ContextView context) {
        if (operation.grant() != Operation.Grant.APP_USER) {
            return;
        }
        if (failure instanceof PartnerCenterException e && e.kind() == FailureKind.MFA_REQUIRED) {
            RequestContext.inScope(
                    context,
                    () -> consent.required(e.consentNeeded(), e.upstreamErrorCode(), operation.instanceName()));
        } else if (consent.current() != null
                && (failure == null
                        || (failure instanceof PartnerCenterException e
                                && ACCEPTED_TOKEN.contains(e.upstreamStatus())))) {
            RequestContext.inScope(context, () -> consent.acceptedByPartnerCenter(operation.instanceName()));
        }
    }

    private void countAttempt(Operation operation, Throwable failure) {
        String outcome = "success";
        if (failure instanceof PartnerCenterException e) {
            outcome = e.upstreamStatus() >= 500
                    ? "server-error"
                    : e.upstreamStatus() > 0 ? "client-error" : e.type().replace("upstream-", "");
        } else if (failure != null) {
            outcome = "error";
        }
        meters.counter("partner.center.upstream.attempts", "operation", operation.instanceName(), "outcome", outcome)
                .increment();
    }

    /**
     * The one line a failed call writes, after its retries, with its own correlation id; and its count, by
     * problem type, in {@code partner_center_upstream_failures_total}. Failures about one
     * request (a 404, a rejection) are INFO; Partner Center or the service failing is WARN. An expected failure
     * is named, never given a stack trace; anything else is unexpected and gets one.
     */
    private void logFailure(Operation operation, String customerId, Throwable failure, int attempts) {
        if (!(failure instanceof PartnerCenterException e)) {
            log.error("Partner Center {} for {} failed unexpectedly", operation.instanceName(), customerId, failure);
            return;
        }
        meters.counter("partner.center.upstream.failures", "operation", operation.instanceName(), "type", e.type())
                .increment();
        Level level = e.status().is5xxServerError() ? Level.WARN : Level.INFO;
        log.atLevel(level)
                .log(
                        "Partner Center {} for {} failed: {} {} ({}{} attempt{}{})",
                        operation.instanceName(),
                        customerId,
                        e.status().value(),
                        e.getMessage(),
                        upstream(e),
                        attempts,
                        attempts == 1 ? "" : "s",
                        summary(e.getCause()));
    }

    private static String upstream(PartnerCenterException e) {
        if (e.upstreamStatus() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder("upstream ").append(e.upstreamStatus());
        if (e.upstreamErrorCode() != null) {
            text.append(' ').append(e.upstreamErrorCode());
        }
        if (e.upstreamErrorName() != null) {
            text.append(' ').append(e.upstreamErrorName());
        }
        return text.append("; ").toString();
    }

    // The innermost cause names what happened on the wire (a reset, a refused connection) in one line. A failure
    // that only rewords another (a wait past the deadline) has nothing more to say.
    private static String summary(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == null || root instanceof PartnerCenterException) {
            return "";
        }
        String message = root.getMessage();
        return "; " + root.getClass().getSimpleName()
                + (message != null ? ": " + message.lines().findFirst().orElse("") : "");
    }
}
