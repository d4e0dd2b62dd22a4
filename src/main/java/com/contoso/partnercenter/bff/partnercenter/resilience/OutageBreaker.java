package com.contoso.partnercenter.bff.partnercenter.resilience;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.RequestContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * One operation's circuit breaker, opened by an outage of Partner Center and never by one customer's failures.
 * Resilience4j keeps the state, the sliding window, the thresholds, the metrics and the health details
 * ({@code resilience4j.circuitbreaker.instances.<operation>}); this decides what the window is told:
 *
 * <ul>
 *   <li>a failure that {@linkplain FailureKind#countsForBreaker says Partner Center is failing} (a broken
 *       connection, a timeout, a 5xx not marked {@code isRetryable: false}) counts as a failure, but only once
 *       per customer in the window: a customer already failing in the window adds nothing. Opening it then
 *       takes failures of as many distinct customers as the failure threshold needs;
 *   <li>any other answer from Partner Center (a 404, a 400, an {@code isRetryable: false}) is a success: it
 *       answered;
 *   <li>a failure that never reached Partner Center (no token) leaves the window alone.
 * </ul>
 *
 * The validation codes are the partner's, not a customer's: each of their calls is its own key.
 */
final class OutageBreaker {

    private static final Logger log = LoggerFactory.getLogger(OutageBreaker.class);

    private final CircuitBreaker breaker;
    private final Clock clock;
    private final CircuitBreakerConfig.SlidingWindowType windowType;
    private final int windowSize;
    // What the window holds now, oldest first: the key of each failure it counted (null for a success) and when.
    // Outcomes the window forgets (by count or by age, as it is configured) leave this too.
    private final Deque<Counted> window = new ArrayDeque<>();
    private volatile Instant openedAt;

    private record Counted(String key, Instant at) {}

    OutageBreaker(CircuitBreaker breaker, Clock clock) {
        this.breaker = breaker;
        this.clock = clock;
        CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
        this.windowType = config.getSlidingWindowType();
        this.windowSize = config.getSlidingWindowSize();
        breaker.getEventPublisher().onStateTransition(event -> {
            // Every transition starts a new window in Resilience4j: the keys start afresh with it.
            synchronized (window) {
                window.clear();
            }
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = clock.instant();
            }
            log.warn(
                    "Circuit breaker {} changed from {} to {}",
                    breaker.getName(),
                    event.getStateTransition().getFromState(),
                    event.getStateTransition().getToState());
        });
    }

    /**
     * The attempt, if the circuit lets it through; otherwise a 503 {@code circuit-open} at once. The breaker's
     * own log lines (its transitions) carry the call's correlation id.
     */
    <T> Mono<T> protect(Operation operation, String key, Mono<T> attempt) {
        return Mono.deferContextual(context -> {
            var permitted = new AtomicBoolean();
            mayMove(context, false, () -> permitted.set(breaker.tryAcquirePermission()));
            if (!permitted.get()) {
                return Mono.error(PartnerCenterException.circuitOpen(operation, timeLeftOpen()));
            }
            long started = breaker.getCurrentTimestamp();
            var settled = new AtomicBoolean();
            return attempt.doOnSuccess(value -> {
                        if (settled.compareAndSet(false, true)) {
                            mayMove(context, false, () -> succeeded(started));
                        }
                    })
                    .doOnError(failure -> {
                        if (settled.compareAndSet(false, true)) {
                            mayMove(context, true, () -> failed(key, started, failure));
                        }
                    })
                    .doOnCancel(() -> {
                        if (settled.compareAndSet(false, true)) {
                            breaker.releasePermission();
                        }
                    });
        });
    }

    /**
     * The breaker's transitions are logged by its event consumer, on the thread of the call that caused them: the
     * call's context is restored there whenever the action may move the breaker. A closed breaker moves only on a
     * failure (or on a slow call, were slow calls configured; they are not), so the restoring, which every call
     * would pay, is skipped for a success or a permission while it is closed.
     */
    private void mayMove(ContextView context, boolean failure, Runnable action) {
        if (failure || breaker.getState() != CircuitBreaker.State.CLOSED) {
            RequestContext.inScope(context, action);
        } else {
            action.run();
        }
    }

    private void succeeded(long started) {
        if (windowType == CircuitBreakerConfig.SlidingWindowType.COUNT_BASED) {
            // Successes push failures out of a count-based window; a time-based one forgets by age alone.
            synchronized (window) {
                remember(null, clock.instant());
            }
        }
        breaker.onSuccess(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit());
    }

    private void failed(String key, long started, Throwable failure) {
        if (!(failure instanceof PartnerCenterException e)) {
            breaker.releasePermission();
            return;
        }
        if (!e.countsForBreaker()) {
            if (e.kind().partnerCenterAnswered()) {
                succeeded(started);
            } else {
                breaker.releasePermission();
            }
            return;
        }
        if (firstInWindow(key)) {
            breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
        } else {
            breaker.releasePermission();
        }
    }

    private boolean firstInWindow(String key) {
        Instant now = clock.instant();
        synchronized (window) {
            if (windowType == CircuitBreakerConfig.SlidingWindowType.TIME_BASED) {
                Instant horizon = now.minusSeconds(windowSize);
                while (!window.isEmpty() && window.peekFirst().at().isBefore(horizon)) {
                    window.removeFirst();
                }
            }
            for (Counted counted : window) {
                if (key.equals(counted.key())) {
                    return false;
                }
            }
            remember(key, now);
            return true;
        }
    }

    private void remember(String key, Instant now) {
        window.addLast(new Counted(key, now));
        if (windowType == CircuitBreakerConfig.SlidingWindowType.COUNT_BASED && window.size() > windowSize) {
            window.removeFirst();
        }
    }

    /** What is left of the open state, which {@code Retry-After} and the problem's detail both say. */
    private Duration timeLeftOpen() {
        long waitMillis = breaker.getCircuitBreakerConfig()
                .getWaitIntervalFunctionInOpenState()
                .apply(1);
        Instant opened = openedAt != null ? openedAt : clock.instant();
        Duration left = Duration.between(clock.instant(), opened.plusMillis(waitMillis));
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }
}
