package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.partnercenter.Answer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenter;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.stereotype.Service;

/** Asks Partner Center for the account status and applies the documented purchase rule. */
@Service
class PurchaseEligibilityService {

    private static final Logger log = LoggerFactory.getLogger(PurchaseEligibilityService.class);
    // How long a batch waits beyond its deadline for a call that ends inside the cache at that deadline.
    private static final Duration BACKSTOP = Duration.ofMillis(200);

    private final PartnerCenter partnerCenter;
    private final MeterRegistry meters;
    private final PartnerCenterProperties.Batch batch;
    private final PartnerCenterProperties.Eligibility rules;
    private final AsyncTaskExecutor tasks;
    private final Clock clock;

    /**
     * @param tasks Boot's task executor: virtual threads on Java 21 and later (the image's Java 25), where a batch's
     *     waits cost little (on Java 17, Boot's pool of {@code spring.task.execution.pool.core-size} threads, shared
     *     by all batches); it carries each request's correlation id and portal to its tasks.
     */
    PurchaseEligibilityService(
            PartnerCenter partnerCenter,
            MeterRegistry meters,
            PartnerCenterProperties properties,
            AsyncTaskExecutor tasks,
            Clock clock) {
        this.partnerCenter = partnerCenter;
        this.meters = meters;
        this.batch = properties.batch();
        this.rules = properties.eligibility();
        this.tasks = tasks;
        this.clock = clock;
    }

    /**
     * The eligibility, or the upstream failure itself: when Partner Center cannot be asked (timeout, open circuit,
     * 5xx, throttled) the portal gets an error, never a guess. Fail closed: the customer's last-known status stands
     * in only when it blocks purchases (or, with {@code partner-center.eligibility.stale-allowed}, whatever it
     * decides).
     */
    Answer<PurchaseEligibility> eligibility(String customerId) {
        return eligibility(customerId, null);
    }

    private Answer<PurchaseEligibility> eligibility(String customerId, Instant due) {
        Answer<PurchaseEligibility> decision;
        try {
            decision = partnerCenter
                    .validationStatus(
                            customerId,
                            lastKnown -> rules.staleAllowed()
                                    || !PurchaseEligibility.fromAccountStatus(customerId, lastKnown.status())
                                            .eligible(),
                            due)
                    .map(status -> PurchaseEligibility.fromAccountStatus(customerId, status.status()));
        } catch (PartnerCenterException e) {
            if (!e.isAccountStatusNotFound()) {
                throw e;
            }
            decision = new Answer<>(PurchaseEligibility.noAccountStatus(customerId), e.cacheStatus(), null, null);
        }
        meters.counter(
                        "partner.center.eligibility.decisions",
                        "outcome",
                        decision.value().outcome().name().toLowerCase(Locale.ROOT))
                .increment();
        return decision;
    }

    /** A batch's answers in request order, and where they came from as one RFC 9211 {@code Cache-Status}. */
    record Batch(List<EligibilityAnswer> items, String cacheStatus) {}

    /** One customer's item of a batch, and its {@code Cache-Status}. */
    private record Item(EligibilityAnswer answer, String cacheStatus) {}

    /**
     * One answer per distinct customer, in the order first asked, each a decision or that customer's problem. Calls
     * start in that order, {@code partner-center.batch.concurrency} at a time, each on a task of its own, through the
     * cache and the same resilience as single calls; what is not answered by the batch deadline becomes a 504 item
     * instead of holding the whole list.
     */
    Batch eligibilities(List<String> customerIds) {
        // Tenant ids are GUIDs, so case does not make another customer: ask about each one once.
        Map<String, String> distinct = new LinkedHashMap<>();
        customerIds.forEach(id -> distinct.putIfAbsent(id.toLowerCase(Locale.ROOT), id));
        Instant due = clock.instant().plus(batch.deadline());
        Semaphore slots = new Semaphore(batch.concurrency());
        List<Future<Item>> asked = new ArrayList<>();
        for (String customerId : distinct.values()) {
            asked.add(started(customerId, due, slots));
        }
        List<EligibilityAnswer> items = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        int i = 0;
        for (String customerId : distinct.values()) {
            Future<Item> call = asked.get(i++);
            Item item = call == null ? tooLate(customerId) : collect(customerId, call, due);
            items.add(item.answer());
            if (item.cacheStatus() != null) { // a customer cut off said nothing of where its answer came from
                statuses.add(item.cacheStatus());
            }
        }
        return new Batch(items, Answer.combined(statuses));
    }

    // The customer's call, once a slot is free; none when the batch's deadline passes first.
    private Future<Item> started(String customerId, Instant due, Semaphore slots) {
        try {
            if (!slots.tryAcquire(left(due).toNanos(), TimeUnit.NANOSECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return tasks.submit(() -> {
            try {
                return answer(customerId, due);
            } finally {
                slots.release();
            }
        });
    }

    // Its own deadline is the batch's, so that it ends inside the cache, where the last-known status may stand in
    // (as for a single request).
    private Item answer(String customerId, Instant due) {
        try {
            Answer<PurchaseEligibility> decision = eligibility(customerId, due);
            return new Item(decision.value(), decision.cacheStatus());
        } catch (PartnerCenterException e) {
            return new Item(CustomerProblem.of(customerId, e), e.cacheStatus());
        }
    }

    // The batch waits for each answer until its deadline, and a little more: a call cut off is not left running.
    private Item collect(String customerId, Future<Item> answer, Instant due) {
        try {
            return answer.get(left(due).plus(BACKSTOP).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return tooLate(customerId);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return tooLate(customerId);
        } catch (ExecutionException e) {
            // The operator finds the line by the id the problem tells to quote.
            log.error("Unexpected failure deciding for one customer of a batch", e.getCause());
            return new Item(CustomerProblem.unexpected(customerId), null);
        }
    }

    // Its call was cut off, not failed, so this is the one line its failure writes.
    private Item tooLate(String customerId) {
        log.info("Batch deadline of {} passed before {} was answered", batch.deadline(), customerId);
        return new Item(
                CustomerProblem.of(customerId, PartnerCenterException.notAnsweredWithin(batch.deadline())), null);
    }

    private Duration left(Instant due) {
        Duration left = Duration.between(clock.instant(), due);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
