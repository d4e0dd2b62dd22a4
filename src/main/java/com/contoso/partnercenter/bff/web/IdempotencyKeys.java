package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Updates that are safe to send again ({@code Idempotency-Key}, draft-ietf-httpapi-idempotency-key-header, as
 * the contract's "Safe retries of an update" says). A key is the calling portal's ({@link PortalClientId}) and is
 * kept 24 h in the service's {@link FleetState}, so in fleet mode a retry that reaches another replica is
 * answered alike. Per key, one record: the request's fingerprint, its {@code MS-RequestId}, and where it stands:
 *
 * <ul>
 *   <li><b>in flight</b>: claimed by a request now being sent; a repeat is 409 with {@code Retry-After}. A claim
 *       older than the request's deadline and a margin is a replica that died meanwhile: taken as unknown.
 *   <li><b>answered</b>: Partner Center's answer (the created qualification, or its refusal of this update),
 *       replayed with {@code Idempotent-Replayed: true} and no call to Partner Center.
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
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";

    /** The request attribute that holds the {@code MS-RequestId} the update was (or was first) sent with. */
    public static final String REQUEST_ID_ATTRIBUTE = IdempotencyKeys.class.getName() + ".requestId";

    static final Duration KEPT = Duration.ofHours(24);
    private static final int MAX_LENGTH = 255;
    // A claim outlives the request that made it by this much before another takes it as abandoned.
    private static final Duration ABANDONED_AFTER = Duration.ofSeconds(5);

    private final FleetState state;
    private final JsonMapper json;
    private final Duration inFlightAtMost;
    private final Clock clock;

    /** @param deadline partner-center.deadline: the longest an update is in flight. */
    public IdempotencyKeys(FleetState state, JsonMapper json, Duration deadline, Clock clock) {
        this.state = state;
        this.json = json;
        this.inFlightAtMost = deadline.plus(ABANDONED_AFTER);
        this.clock = clock;
    }

    /** Where a key's request stands. */
    enum Stage {
        IN_FLIGHT,
        ANSWERED,
        UNKNOWN
    }

    /**
     * One key's record: what was asked (a hash), the {@code MS-RequestId}, since when it stands where it does,
     * and, once answered, the answer (status, body, {@code Location}) or Partner Center's refusal (its status and
     * error).
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

        Kept answered(int status, String body, String location, Instant now) {
            return new Kept(
                    fingerprint,
                    requestId,
                    Stage.ANSWERED,
                    now.toEpochMilli(),
                    status,
                    body,
                    location,
                    null,
                    null,
                    null);
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

    /**
     * An update sent at most once per key.
     *
     * @param key the request's {@code Idempotency-Key}, as sent
     * @param request what the update asks for, all of it (the path's ids and the body): the same key with
     *     anything else is refused
     * @param type the answer's type, to read a kept answer back
     * @param send sends the update with the given {@code MS-RequestId}; answers what the portal gets
     * @param applied after an unknown outcome, the update as Partner Center has it now, if it is there
     */
    public <T> ResponseEntity<T> once(
            String key,
            Object request,
            Class<T> type,
            Function<String, ResponseEntity<T>> send,
            Supplier<Optional<ResponseEntity<T>>> applied) {
        return once(key, request, type, send, applied, false);
    }

    private <T> ResponseEntity<T> once(
            String key,
            Object request,
            Class<T> type,
            Function<String, ResponseEntity<T>> send,
            Supplier<Optional<ResponseEntity<T>>> applied,
            boolean lookedTwice) {
        String record = state.key("idempotency", digest(PortalClientId.of() + "\n" + valid(key)));
        String fingerprint = digest(json.writeValueAsString(request));
        // With the state not answering (Redis away), this replica's memory keeps the key: each replica alone.
        FleetState store = state;
        Kept claim = Kept.inFlight(fingerprint, UUID.randomUUID().toString(), clock.instant());
        Boolean claimed = store.putIfAbsent(record, write(claim), KEPT).block();
        if (claimed == null) {
            store = state.standIn();
            claimed = store.putIfAbsent(record, write(claim), KEPT).block();
        }
        if (Boolean.TRUE.equals(claimed)) {
            return send(store, record, claim, send);
        }
        String raw = store.get(record).block();
        Kept kept = raw == null ? null : read(raw);
        if (raw == null && !lookedTwice) {
            // Gone between the two looks (it expired, or a failure freed it): the request is new after all.
            return once(key, request, type, send, applied, true);
        }
        if (kept == null) {
            // Freed and claimed again meanwhile, or another version's record: taken over, or in flight.
            if (raw != null
                    && Boolean.TRUE.equals(
                            store.replace(record, raw, write(claim), KEPT).block())) {
                return send(store, record, claim, send);
            }
            throw IdempotencyConflict.inFlight(inFlightAtMost);
        }
        if (!kept.fingerprint().equals(fingerprint)) {
            throw IdempotencyConflict.reused();
        }
        Instant now = clock.instant();
        Instant since = Instant.ofEpochMilli(kept.since());
        return switch (kept.stage()) {
            case ANSWERED -> replay(kept, type);
            case IN_FLIGHT -> {
                if (now.isBefore(since.plus(inFlightAtMost))) {
                    throw IdempotencyConflict.inFlight(Duration.between(now, since.plus(inFlightAtMost)));
                }
                yield again(store, record, raw, kept, send, applied);
            }
            case UNKNOWN -> again(store, record, raw, kept, send, applied);
        };
    }

    // The first attempt's outcome is unknown: this request takes the key over (one request only), looks for the
    // update at Partner Center, and sends it again only if it is not there.
    private <T> ResponseEntity<T> again(
            FleetState store,
            String record,
            String raw,
            Kept kept,
            Function<String, ResponseEntity<T>> send,
            Supplier<Optional<ResponseEntity<T>>> applied) {
        Kept retaken = kept.in(Stage.IN_FLIGHT, clock.instant());
        if (!Boolean.TRUE.equals(
                store.replace(record, raw, write(retaken), KEPT).block())) {
            throw IdempotencyConflict.inFlight(inFlightAtMost);
        }
        Optional<ResponseEntity<T>> found;
        try {
            found = applied.get();
        } catch (RuntimeException failure) {
            store.put(record, write(kept), KEPT).block(); // still unknown: the next repeat looks again
            throw failure;
        }
        if (found.isPresent()) {
            ResponseEntity<T> answer = found.get();
            keep(store, record, retaken, answer);
            return replayed(answer);
        }
        return send(store, record, retaken, send);
    }

    private <T> ResponseEntity<T> send(
            FleetState store, String record, Kept claim, Function<String, ResponseEntity<T>> send) {
        ResponseEntity<T> answer;
        try {
            answer = send.apply(claim.requestId());
        } catch (PartnerCenterException failure) {
            Instant now = clock.instant();
            switch (outcome(failure)) {
                case ANSWERED ->
                    store.put(record, write(claim.refused(failure, now)), KEPT).block();
                case UNKNOWN ->
                    store.put(record, write(claim.in(Stage.UNKNOWN, now)), KEPT).block();
                case NOT_SENT -> store.delete(java.util.List.of(record)).block();
            }
            throw failure.withIdempotencyKey();
        } catch (RuntimeException failure) {
            store.put(record, write(claim.in(Stage.UNKNOWN, clock.instant())), KEPT)
                    .block();
            throw failure;
        }
        keep(store, record, claim, answer);
        return answer;
    }

    private <T> void keep(FleetState store, String record, Kept claim, ResponseEntity<T> answer) {
        URI location = answer.getHeaders().getLocation();
        store.put(
                        record,
                        write(claim.answered(
                                answer.getStatusCode().value(),
                                json.writeValueAsString(answer.getBody()),
                                location == null ? null : location.toString(),
                                clock.instant())),
                        KEPT)
                .block();
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
        if (failure.kind().outcomeUnknown(false)) {
            return Outcome.UNKNOWN;
        }
        return switch (failure.kind()) {
            case NOT_FOUND, NO_RELATIONSHIP, REJECTED -> Outcome.ANSWERED;
            default -> Outcome.NOT_SENT;
        };
    }

    private <T> ResponseEntity<T> replay(Kept kept, Class<T> type) {
        RequestContextHolder.currentRequestAttributes()
                .setAttribute(REQUEST_ID_ATTRIBUTE, kept.requestId(), RequestAttributes.SCOPE_REQUEST);
        if (kept.upstreamStatus() != null) {
            replayedHeader();
            throw PartnerCenterException.answeredBefore(
                    Operation.valueOf(kept.operation()), kept.upstreamStatus(), kept.upstreamError());
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.valueOf(kept.status()));
        if (kept.location() != null) {
            answer.location(URI.create(kept.location()));
        }
        return replayed(answer.body(json.readValue(kept.body(), type)));
    }

    private static <T> ResponseEntity<T> replayed(ResponseEntity<T> answer) {
        return ResponseEntity.status(answer.getStatusCode())
                .headers(answer.getHeaders())
                .header(REPLAYED, "true")
                .header(CacheStatus.HEADER, new CacheStatus().headerValue())
                .body(answer.getBody());
    }

    // A replayed refusal is written by the problem handler; the header goes on the response first.
    private static void replayedHeader() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getResponse() != null) {
            attributes.getResponse().setHeader(REPLAYED, "true");
        }
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
