package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Updates that are safe to send again ({@code Idempotency-Key}, draft-ietf-httpapi-idempotency-key-header, as the
 * contract's "Safe retries of an update" says). A key is its caller's ({@link IdempotencyKey}) and is kept 24 h in
 * the service's {@link FleetState}, so in fleet mode a retry that reaches another replica is answered alike. Per
 * key, one record: the request's fingerprint, its {@code MS-RequestId}, and where it stands:
 *
 * <ul>
 *   <li><b>in flight</b>: claimed by a request now being sent; a repeat is 409 with {@code Retry-After}. A claim
 *       older than the request's deadline and a margin is a replica that died meanwhile: taken as unknown.
 *   <li><b>answered</b>: Partner Center's answer (the created qualification, or its refusal of this update),
 *       replayed without a call to Partner Center.
 *   <li><b>unknown</b>: the update ended without knowing whether Partner Center applied it (a timeout, a
 *       connection broken after it was sent). A repeat reads the customer's qualifications first and answers
 *       the one it finds; otherwise it sends the update again, with the first attempt's {@code MS-RequestId},
 *       Partner Center's own idempotency key for a retry after a timeout.
 * </ul>
 *
 * Failures that prove Partner Center did not take the update (throttled, quota, open circuit, no token, a
 * refused connection) free the key: the update may be sent again as new. Refusals before Partner Center was
 * asked (400, 401, 403) never reach here and are not kept.
 */
@Component
class IdempotentUpdates {

    static final Duration KEPT = Duration.ofHours(24);
    private static final int MAX_LENGTH = 255;
    // A claim outlives the request that made it by this much before another takes it as abandoned.
    private static final Duration ABANDONED_AFTER = Duration.ofSeconds(5);

    private final PartnerCenterClient client;
    private final FleetState state;
    private final JsonMapper json;
    private final Duration inFlightAtMost;
    private final Clock clock;

    IdempotentUpdates(
            PartnerCenterClient client,
            FleetState state,
            JsonMapper json,
            PartnerCenterProperties properties,
            Clock clock) {
        this.client = client;
        this.state = state;
        this.json = json;
        // The longest an update is in flight: its deadline.
        this.inFlightAtMost = properties.deadline().plus(ABANDONED_AFTER);
        this.clock = clock;
    }

    /** Where a key's request stands. */
    enum Stage {
        IN_FLIGHT,
        ANSWERED,
        UNKNOWN
    }

    /**
     * One key's record: what was asked (a hash), the {@code MS-RequestId}, since when it stands where it does, and,
     * once answered, the answer (status, body, {@code Location}) or Partner Center's refusal (its status and error).
     */
    record Kept(
            String fingerprint,
            String requestId,
            Stage stage,
            long since,
            Integer status,
            String body,
            String location,
            String operation,
            Integer upstreamStatus,
            UpstreamError upstreamError) {

        static Kept inFlight(String fingerprint, String requestId, Instant now) {
            return new Kept(
                    fingerprint, requestId, Stage.IN_FLIGHT, now.toEpochMilli(), null, null, null, null, null, null);
        }

        Kept in(Stage stage, Instant now) {
            return new Kept(fingerprint, requestId, stage, now.toEpochMilli(), null, null, null, null, null, null);
        }

        Kept answered(String body, String location, Instant now) {
            return new Kept(
                    fingerprint, requestId, Stage.ANSWERED, now.toEpochMilli(), 201, body, location, null, null, null);
        }

        Kept refused(PartnerCenterException refusal, Instant now) {
            return new Kept(
                    fingerprint,
                    requestId,
                    Stage.ANSWERED,
                    now.toEpochMilli(),
                    null,
                    null,
                    null,
                    refusal.operation().name(),
                    refusal.upstreamStatus(),
                    refusal.upstreamError());
        }
    }

    /** What an update asks, and the {@code Location} its first answer gives. */
    private record Asked(String customerId, QualificationUpdate update, String location) {}

    /** The state a key's record was claimed or found in: the fleet's, or, while it does not answer, this replica's. */
    private record Looked(FleetState store, boolean claimed) {}

    /** The update, sent at most once per key: the same key with anything else asked is refused. */
    Mono<CreatedQualification> once(String customerId, QualificationUpdate update, IdempotencyKey key) {
        return Mono.defer(() -> once(
                state.key("idempotency", digest(key.caller() + "\n" + valid(key.key()))),
                fingerprint(customerId, update),
                new Asked(customerId, update, key.location()),
                false));
    }

    private Mono<CreatedQualification> once(String record, String fingerprint, Asked asked, boolean lookedTwice) {
        Kept claim = Kept.inFlight(fingerprint, CorrelationId.newId(), clock.instant());
        // With the state not answering (Redis away), this replica's memory keeps the key: each replica alone.
        return state.putIfAbsent(record, write(claim), KEPT)
                .map(claimed -> new Looked(state, claimed))
                .switchIfEmpty(Mono.defer(() -> state.standIn()
                        .putIfAbsent(record, write(claim), KEPT)
                        .map(claimed -> new Looked(state.standIn(), claimed))))
                .flatMap(looked -> looked.claimed()
                        ? send(looked.store(), record, claim, asked)
                        : taken(looked.store(), record, claim, asked, lookedTwice));
    }

    // Another request had the key: its record says what this one gets.
    private Mono<CreatedQualification> taken(
            FleetState store, String record, Kept claim, Asked asked, boolean lookedTwice) {
        return store.find(record).defaultIfEmpty(Optional.empty()).flatMap(found -> {
            String raw = found.orElse(null);
            if (raw == null && !lookedTwice) {
                // Gone between the two looks (it expired, or a failure freed it): the request is new after all.
                return once(record, claim.fingerprint(), asked, true);
            }
            Kept kept = raw == null ? null : read(raw);
            if (kept == null) {
                // Freed and claimed again meanwhile, or another version's record: taken over, or in flight.
                return raw == null
                        ? Mono.error(IdempotencyConflict.inFlight(inFlightAtMost))
                        : store.replace(record, raw, write(claim), KEPT)
                                .defaultIfEmpty(false)
                                .flatMap(replaced -> replaced
                                        ? send(store, record, claim, asked)
                                        : Mono.error(IdempotencyConflict.inFlight(inFlightAtMost)));
            }
            if (!kept.fingerprint().equals(claim.fingerprint())) {
                return Mono.error(IdempotencyConflict.reused());
            }
            Instant now = clock.instant();
            Instant abandonedAt = Instant.ofEpochMilli(kept.since()).plus(inFlightAtMost);
            return switch (kept.stage()) {
                case ANSWERED -> replay(kept);
                case IN_FLIGHT ->
                    now.isBefore(abandonedAt)
                            ? Mono.error(IdempotencyConflict.inFlight(Duration.between(now, abandonedAt)))
                            : again(store, record, raw, kept, asked);
                case UNKNOWN -> again(store, record, raw, kept, asked);
            };
        });
    }

    // The first attempt's outcome is unknown: this request takes the key over (one request only), looks for the
    // update at Partner Center, and sends it again only if it is not there.
    private Mono<CreatedQualification> again(FleetState store, String record, String raw, Kept kept, Asked asked) {
        Kept retaken = kept.in(Stage.IN_FLIGHT, clock.instant());
        return store.replace(record, raw, write(retaken), KEPT)
                .defaultIfEmpty(false)
                .flatMap(replaced -> {
                    if (!replaced) {
                        return Mono.error(IdempotencyConflict.inFlight(inFlightAtMost));
                    }
                    return alreadyThere(asked)
                            // Still unknown: the next repeat looks again.
                            .onErrorResume(failure ->
                                    store.put(record, write(kept), KEPT).then(Mono.error(failure)))
                            .flatMap(found -> found.isPresent()
                                    ? keep(store, record, retaken, found.get(), asked)
                                            .thenReturn(new CreatedQualification(
                                                    found.get(), retaken.requestId(), true, asked.location()))
                                    : send(store, record, retaken, asked));
                });
    }

    // The qualification Partner Center has now, never from a cache, if it is the one asked.
    private Mono<Optional<CustomerQualification>> alreadyThere(Asked asked) {
        return client.qualificationsFromPartnerCenter(asked.customerId())
                .map(held -> held.stream()
                        .filter(one -> asked.update().qualification().equalsIgnoreCase(one.qualification()))
                        .findFirst());
    }

    private Mono<CreatedQualification> send(FleetState store, String record, Kept claim, Asked asked) {
        return client.createQualification(asked.customerId(), asked.update(), claim.requestId())
                .flatMap(created -> keep(store, record, claim, created, asked)
                        .thenReturn(new CreatedQualification(created, claim.requestId(), false, asked.location())))
                .onErrorResume(failure -> {
                    Instant now = clock.instant();
                    if (!(failure instanceof PartnerCenterException refusal)) {
                        return store.put(record, write(claim.in(Stage.UNKNOWN, now)), KEPT)
                                .then(Mono.error(failure));
                    }
                    Mono<Boolean> noted = switch (outcome(refusal)) {
                        case ANSWERED -> store.put(record, write(claim.refused(refusal, now)), KEPT);
                        case UNKNOWN -> store.put(record, write(claim.in(Stage.UNKNOWN, now)), KEPT);
                        case NOT_SENT -> store.delete(List.of(record));
                    };
                    return noted.then(Mono.error(refusal.withIdempotencyKey(claim.requestId())));
                });
    }

    private Mono<Boolean> keep(
            FleetState store, String record, Kept claim, CustomerQualification created, Asked asked) {
        return store.put(
                record,
                write(claim.answered(json.writeValueAsString(created), asked.location(), clock.instant())),
                KEPT);
    }

    /** What a failed update says of Partner Center's state. */
    private enum Outcome {
        /** Partner Center answered this update itself, and would again: kept and replayed. */
        ANSWERED,
        /** It may or may not have applied it. */
        UNKNOWN,
        /** It did not take it: the key is free again. */
        NOT_SENT
    }

    private static Outcome outcome(PartnerCenterException failure) {
        if (failure.outcomeUnknown()) {
            return Outcome.UNKNOWN;
        }
        return switch (failure.kind()) {
            case NOT_FOUND, NO_RELATIONSHIP, REJECTED -> Outcome.ANSWERED;
            default -> Outcome.NOT_SENT;
        };
    }

    private Mono<CreatedQualification> replay(Kept kept) {
        if (kept.upstreamStatus() != null) {
            return Mono.error(PartnerCenterException.answeredBefore(
                    Operation.valueOf(kept.operation()),
                    kept.upstreamStatus(),
                    kept.upstreamError(),
                    kept.requestId()));
        }
        return Mono.just(new CreatedQualification(
                json.readValue(kept.body(), CustomerQualification.class), kept.requestId(), true, kept.location()));
    }

    /**
     * The key as the draft and the contract have it: 1 to 255 printable ASCII characters, optionally as a
     * structured-field string in quotes (the draft's form), which is the same key.
     */
    static String valid(String key) {
        String bare = key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")
                ? key.substring(1, key.length() - 1)
                : key;
        if (bare.isEmpty() || bare.length() > MAX_LENGTH || !bare.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw IdempotencyConflict.invalidKey();
        }
        return bare;
    }

    // Everything the update asks, the customer included: the same key with anything else is another request.
    private String fingerprint(String customerId, QualificationUpdate update) {
        return digest(json.writeValueAsString(Arrays.asList(
                customerId.toLowerCase(Locale.ROOT),
                update.qualification(),
                update.validationCode(),
                update.educationSegment(),
                update.website())));
    }

    private String write(Kept kept) {
        return json.writeValueAsString(kept);
    }

    private Kept read(String raw) {
        try {
            return json.readValue(raw, Kept.class);
        } catch (RuntimeException unreadable) {
            return null; // another version's record: as if there were none
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
