package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

/**
 * Everything between one logical Partner Center call and its HTTP attempts, from Resilience4j instances
 * configured under {@code resilience4j.*} (one per {@link Operation}, the bulkhead shared):
 *
 * <pre>
 * deadline ( retry ( bulkhead ( circuit breaker ( time limit ( one HTTP exchange ) ) ) ) )
 * </pre>
 *
 * Retries follow {@link RetryDecision} and wait at least what Partner Center's {@code Retry-After} asks; a
 * wait that would pass the deadline is not taken. Every attempt of a call reuses its {@code MS-RequestId},
 * because the exchange given here is built once per call.
 */
class UpstreamResilience {

    static final String BULKHEAD = "partner-center";

    private static final Logger log = LoggerFactory.getLogger(UpstreamResilience.class);

    private final Map<Operation, Policies> policies = new EnumMap<>(Operation.class);
    private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Duration deadline;
    private final Clock clock;

    private record Policies(TimeLimiter timeLimiter, CircuitBreaker circuitBreaker, Bulkhead bulkhead, Retry retry) {}

    UpstreamResilience(
            RetryRegistry retries,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters,
            MeterRegistry meters,
            Duration deadline,
            Clock clock) {
        this.meters = meters;
        this.deadline = deadline;
        this.clock = clock;
        Bulkhead bulkhead = bulkheads.bulkhead(BULKHEAD);
        for (Operation operation : Operation.values()) {
            String name = operation.instanceName();
            CircuitBreaker circuitBreaker = circuitBreakers.circuitBreaker(name);
            circuitBreaker.getEventPublisher().onStateTransition(event -> {
                if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    openedAt.put(name, clock.instant());
                }
                log.warn(
                        "Circuit breaker {} changed from {} to {}",
                        name,
                        event.getStateTransition().getFromState(),
                        event.getStateTransition().getToState());
            });
            policies.put(
                    operation,
                    new Policies(
                            timeLimiters.timeLimiter(name), circuitBreaker, bulkhead, retryFor(retries, operation)));
        }
    }

    // The retry configured under resilience4j.retry.instances.<name>, with the two rules no property can
    // express: which failures are retried, and that a wait is never shorter than Partner Center asked.
    private static Retry retryFor(RetryRegistry retries, Operation operation) {
        String name = operation.instanceName();
        RetryConfig configured = retries.retry(name).getRetryConfig();
        IntervalBiFunction<Object> backoff = configured.getIntervalBiFunction();
        RetryConfig config = RetryConfig.from(configured)
                .retryOnException(new RetryDecision(operation.idempotent()))
                .intervalBiFunction((attempt, outcome) -> {
                    long wait = backoff.apply(attempt, outcome);
                    Duration asked = outcome.isLeft() && outcome.getLeft() instanceof PartnerCenterException e
                            ? e.retryAfter()
                            : null;
                    return asked != null ? Math.max(wait, asked.toMillis()) : wait;
                })
                .build();
        Retry retry = Retry.of(name, config);
        retries.replace(name, retry);
        return retry;
    }

    <T> Mono<T> call(Operation operation, String correlationId, Supplier<Mono<T>> exchange) {
        Policies p = policies.get(operation);
        Instant deadlineAt = clock.instant().plus(deadline);
        int maxAttempts = p.retry.getRetryConfig().getMaxAttempts();
        AtomicInteger attempts = new AtomicInteger();
        var mdc = new MdcBracket(correlationId);
        return Mono.defer(() -> {
                    int attempt = attempts.incrementAndGet();
                    return exchange.get()
                            .transform(TimeLimiterOperator.of(p.timeLimiter))
                            .onErrorMap(
                                    TimeoutException.class,
                                    e -> PartnerCenterException.attemptTimedOut(
                                            p.timeLimiter.getTimeLimiterConfig().getTimeoutDuration(), e))
                            // Once per attempt: doOnSuccess fires for a value and for an empty answer alike.
                            .doOnSuccess(value -> countAttempt(operation, null))
                            .doOnError(e -> countAttempt(operation, e))
                            .onErrorMap(PartnerCenterException.class, e -> pastDeadline(e, deadlineAt))
                            .doOnError(e -> logRetry(operation, correlationId, e, attempt, maxAttempts));
                })
                // The breaker's transitions are logged on the signal's thread: give those lines the correlation id.
                .doOnEach(signal -> mdc.enter())
                .transform(CircuitBreakerOperator.of(p.circuitBreaker))
                .doOnEach(signal -> mdc.exit())
                .transform(BulkheadOperator.of(p.bulkhead))
                .transform(RetryOperator.of(p.retry))
                .onErrorMap(
                        CallNotPermittedException.class,
                        e -> PartnerCenterException.circuitOpen(
                                operation.instanceName(), timeLeftOpen(p.circuitBreaker), e))
                .onErrorMap(BulkheadFullException.class, PartnerCenterException::bulkheadFull)
                .timeout(deadline, Mono.error(() -> PartnerCenterException.deadlineExceeded(deadline)))
                .onErrorMap(PartnerCenterException.class, e -> operation.idempotent() ? e : e.ofUpdate());
    }

    private PartnerCenterException pastDeadline(PartnerCenterException e, Instant deadlineAt) {
        boolean waitTooLong = e.retryAfter() != null
                && e.kind() != PartnerCenterException.Kind.CIRCUIT_OPEN
                && clock.instant().plus(e.retryAfter()).isAfter(deadlineAt);
        return waitTooLong ? PartnerCenterException.waitPastDeadline(e) : e;
    }

    private Duration timeLeftOpen(CircuitBreaker circuitBreaker) {
        long waitMillis = circuitBreaker
                .getCircuitBreakerConfig()
                .getWaitIntervalFunctionInOpenState()
                .apply(1);
        Instant opened = openedAt.getOrDefault(circuitBreaker.getName(), clock.instant());
        Duration left = Duration.between(clock.instant(), opened.plusMillis(waitMillis));
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
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

    private void logRetry(Operation operation, String correlationId, Throwable failure, int attempt, int maxAttempts) {
        if (attempt < maxAttempts
                && policies.get(operation)
                        .retry
                        .getRetryConfig()
                        .getExceptionPredicate()
                        .test(failure)) {
            CorrelationId.inScope(
                    correlationId,
                    () -> log.info(
                            "Partner Center {} attempt {} of {} failed ({}); retrying",
                            operation.instanceName(),
                            attempt,
                            maxAttempts,
                            failure.getMessage()));
        }
    }

    /**
     * The correlation id in the MDC around one signal passing the breaker, and afterwards whatever the thread had
     * before: on a request thread that is the request's own id, which the log lines after it still need. A signal
     * the breaker starts itself (open: it fails at once) never entered, so it leaves the MDC alone. One call's
     * signals arrive one at a time, so the saved value needs no lock.
     */
    private static final class MdcBracket {
        private final String correlationId;
        private boolean entered;
        private String saved;

        MdcBracket(String correlationId) {
            this.correlationId = correlationId;
        }

        void enter() {
            saved = MDC.get(CorrelationId.MDC_KEY);
            entered = true;
            MDC.put(CorrelationId.MDC_KEY, correlationId);
        }

        void exit() {
            if (!entered) {
                return;
            }
            entered = false;
            if (saved == null) {
                MDC.remove(CorrelationId.MDC_KEY);
            } else {
                MDC.put(CorrelationId.MDC_KEY, saved);
            }
        }
    }
}
