package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.portal.CallingPortal;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Asks Partner Center for the account status and applies the documented purchase rule. */
@Service
class PurchaseEligibilityService {

    private static final Logger log = LoggerFactory.getLogger(PurchaseEligibilityService.class);
    private static final Duration BACKSTOP = Duration.ofMillis(200);

    private final PartnerCenterClient partnerCenter;
    private final MeterRegistry meters;
    private final BatchProperties batch;
    private final EligibilityProperties rules;

    PurchaseEligibilityService(
            PartnerCenterClient partnerCenter,
            MeterRegistry meters,
            BatchProperties batch,
            EligibilityProperties rules) {
        this.partnerCenter = partnerCenter;
        this.meters = meters;
        this.batch = batch;
        this.rules = rules;
    }

    /**
     * The eligibility, or the upstream failure itself: when Partner Center cannot be asked (timeout, open
     * circuit, 5xx, throttled) the portal gets an error, never a guess. Fail closed: the customer's last-known
     * status stands in only when it blocks purchases (or, with {@code partner-center.eligibility.stale-allowed},
     * whatever it decides).
     */
    Mono<PurchaseEligibility> eligibility(String customerId) {
        return partnerCenter
                .validationStatus(
                        customerId,
                        "account",
                        lastKnown -> rules.staleAllowed()
                                || !PurchaseEligibility.fromAccountStatus(customerId, lastKnown.status())
                                        .eligible())
                .map(status -> PurchaseEligibility.fromAccountStatus(customerId, status.status()))
                .onErrorResume(
                        e -> e instanceof PartnerCenterException pc && pc.isAccountStatusNotFound(),
                        e -> Mono.just(PurchaseEligibility.noAccountStatus(customerId)))
                .doOnNext(decision -> meters.counter(
                                "partner.center.eligibility.decisions",
                                "outcome",
                                decision.outcome().name().toLowerCase(Locale.ROOT))
                        .increment());
    }

    /** A batch's answers in request order, and where they came from as one RFC 9211 {@code Cache-Status}. */
    record Batch(List<EligibilityAnswer> items, String cacheStatus) {}

    /**
     * One answer per distinct customer, in the order first asked, each a decision or that customer's problem.
     * Calls run {@code partner-center.batch.concurrency} at a time through the cache and the same resilience
     * as single calls; what is not answered by the batch deadline becomes a 504 item instead of holding the
     * whole list. Call it on the request's thread: the correlation id is taken from there.
     */
    Mono<Batch> eligibilities(List<String> customerIds) {
        // Tenant ids are GUIDs, so case does not make another customer: ask about each one once.
        Map<String, String> distinct = new LinkedHashMap<>();
        customerIds.forEach(id -> distinct.putIfAbsent(id.toLowerCase(Locale.ROOT), id));
        long deadlineAt = System.nanoTime() + batch.deadline().toNanos();
        Deadline due = new Deadline(Instant.now().plus(batch.deadline()));
        String correlationId = CorrelationId.current();
        String portal = CallingPortal.current();
        List<CacheStatus> statuses = new CopyOnWriteArrayList<>();
        return Flux.fromIterable(distinct.values())
                .flatMapSequential(
                        id -> {
                            CacheStatus status = new CacheStatus();
                            statuses.add(status);
                            return answer(id, deadlineAt, due, correlationId)
                                    .contextWrite(context -> context.put(CacheStatus.class, status));
                        },
                        batch.concurrency())
                .collectList()
                .map(items -> new Batch(items, CacheStatus.combined(statuses)))
                .contextWrite(CorrelationId.context(correlationId))
                .contextWrite(CallingPortal.context(portal));
    }

    private Mono<EligibilityAnswer> answer(String customerId, long deadlineAt, Deadline due, String correlationId) {
        // The deadline is the batch's: a customer queued behind others gets only what is left of it.
        Mono<PurchaseEligibility> decision = Mono.defer(() -> {
            Duration left = Duration.ofNanos(deadlineAt - System.nanoTime());
            // Its call was cut off, not failed, so this is the one line its failure writes.
            Mono<PurchaseEligibility> tooLate = Mono.fromRunnable(() -> CorrelationId.inScope(
                            correlationId,
                            () -> log.info(
                                    "Batch deadline of {} passed before {} was answered",
                                    batch.deadline(),
                                    customerId)))
                    .then(Mono.error(
                            PartnerCenterException.deadlineExceeded(Operation.VALIDATION_STATUS, batch.deadline())));
            return left.isNegative() || left.isZero()
                    ? tooLate
                    // The call's own deadline is the batch's, so that it ends inside the cache, where the last-known
                    // status may stand in (as for a single request); this one is only the backstop.
                    : eligibility(customerId)
                            .contextWrite(context -> due.within(context))
                            .timeout(left.plus(BACKSTOP), tooLate);
        });
        return decision.<EligibilityAnswer>map(answer -> answer).onErrorResume(e -> {
            if (e instanceof PartnerCenterException pc) {
                return Mono.just(CustomerProblem.of(customerId, pc));
            }
            // On whichever thread failed: the operator finds the line by the id the problem tells to quote.
            CorrelationId.inScope(
                    correlationId, () -> log.error("Unexpected failure deciding for one customer of a batch", e));
            return Mono.just(CustomerProblem.unexpected(customerId));
        });
    }
}
