package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.partnercenter.upstream.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The Partner Center module's front door: its five operations as plain blocking calls, for request threads
 * (virtual ones: a wait costs little). Behind it, and only there, Reactor and the WebClient: each call blocks here
 * once, and Micrometer's context propagation carries the request's correlation id, portal and trace into the call.
 * Every answer says where it came from ({@link Answer}); every failure is a {@link PartnerCenterException} that says
 * what the portal should see, or, for an update's {@code Idempotency-Key}, an {@link IdempotencyConflict}.
 */
@Component
public class PartnerCenter {

    private final PartnerCenterClient client;
    private final IdempotentUpdates updates;
    private final CustomerWatch watch;
    private final Clock clock;

    PartnerCenter(PartnerCenterClient client, IdempotentUpdates updates, CustomerWatch watch, Clock clock) {
        this.client = client;
        this.updates = updates;
        this.watch = watch;
        this.clock = clock;
    }

    /** {@code GET /v1/customers/all/validations}: the partner's GCC validation codes. */
    public Answer<List<ValidationCode>> validationCodes() {
        return answer(client.validationCodes(), null);
    }

    /** {@code GET /v1/customers/{id}/qualifications}: all of a customer's qualifications (the asynchronous API). */
    public Answer<List<CustomerQualification>> qualifications(String customerId) {
        Answer<List<CustomerQualification>> qualifications = answer(client.qualifications(customerId), null);
        watch.readQualifications(customerId, qualifications); // a portal's read of a watched customer is news
        return qualifications;
    }

    /**
     * {@code GET /v1/customers/{id}/qualification}: the single qualification of the older synchronous API, under its
     * canonical name; {@code null} when Partner Center has none.
     */
    public Answer<String> qualification(String customerId) {
        return answer(client.qualification(customerId), null);
    }

    /** {@code GET /v1/customers/{id}/validationStatus?type=account}: the customer's account validation status. */
    public Answer<ValidationStatus> validationStatus(String customerId) {
        return validationStatus(customerId, lastKnown -> true, null);
    }

    /**
     * The account validation status; when Partner Center cannot answer, its last-known one only if {@code
     * staleAcceptable} accepts it.
     *
     * @param due when the caller needs the answer at the latest (a batch's deadline), if sooner than {@code
     *     partner-center.deadline}; {@code null} for that deadline. A call past it ends inside the cache, where a
     *     last-known answer may still stand in.
     */
    public Answer<ValidationStatus> validationStatus(
            String customerId, Predicate<ValidationStatus> staleAcceptable, Instant due) {
        Answer<ValidationStatus> status = answer(client.validationStatus(customerId, staleAcceptable), due);
        watch.read(customerId, status); // a portal's read of a watched customer is news
        return status;
    }

    /**
     * {@code POST /v1/customers/{id}/qualifications}: asks Partner Center to vet a qualification. With an {@code
     * Idempotency-Key}, the update is sent at most once per key (the contract's "Safe retries of an update").
     *
     * @param key the update's key, or {@code null} for none.
     */
    public Answer<CreatedQualification> createQualification(
            String customerId, QualificationUpdate update, IdempotencyKey key) {
        Answer<CreatedQualification> created =
                answer(key != null ? updates.once(customerId, update, key) : sentOnce(customerId, update), null);
        if (!created.value().replayed()) {
            watch.updated(customerId); // every stream watching the customer hears of it now, not an interval later
        }
        return created;
    }

    private Mono<CreatedQualification> sentOnce(String customerId, QualificationUpdate update) {
        return Mono.defer(() -> {
            String requestId = CorrelationId.newId();
            return client.createQualification(customerId, update, requestId)
                    .map(created -> new CreatedQualification(created, requestId, false, null))
                    .onErrorMap(PartnerCenterException.class, failure -> failure.sentAs(requestId));
        });
    }

    // The one place a request waits for Partner Center. The cache writes into the status where the answer came from;
    // a failure carries it too, since problems say it as well.
    private <T> Answer<T> answer(Mono<T> call, Instant due) {
        CacheStatus status = new CacheStatus();
        T value;
        try {
            value = waitFor(call.contextWrite(context -> {
                var withStatus = context.put(CacheStatus.class, status);
                return due == null ? withStatus : new Deadline(due).within(withStatus);
            }));
        } catch (PartnerCenterException failure) {
            throw failure.answeredAs(status.headerValue());
        }
        return new Answer<>(value, status.headerValue(), maxAge(status), status.age());
    }

    /**
     * The module's one way to wait for its pipeline, for both front doors (this and {@link ConsentRenewal}): the
     * request's correlation id and portal are captured into it first, for the pipeline's threads (RequestContext).
     */
    static <T> T waitFor(Mono<T> pipeline) {
        return pipeline.contextCapture().block();
    }

    // A portal may keep an answer as long as this service's cache serves it; none that no cache holds.
    private Duration maxAge(CacheStatus status) {
        Instant until = status.freshUntil();
        if (until == null) {
            return null;
        }
        Duration left = Duration.between(clock.instant(), until);
        return Duration.ofSeconds(Math.max(0, left.toSeconds()));
    }
}
