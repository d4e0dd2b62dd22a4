package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.partnercenter.cache.ResponseCache;
import com.contoso.partnercenter.bff.partnercenter.resilience.UpstreamResilience;
import com.contoso.partnercenter.bff.partnercenter.upstream.Connectors;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.RequestContext;
import com.contoso.partnercenter.bff.partnercenter.upstream.RetryAfter;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way into Partner Center, behind the module's front door ({@link PartnerCenter}): Reactor and the
 * WebClient live here. Every call carries the documented headers, the right Entra ID token, a fresh {@code
 * MS-RequestId} and the request's correlation id; every failure comes out as a {@link PartnerCenterException}
 * that already says what the portal should see.
 */
@Component
class PartnerCenterClient {

    static final String CORRELATION_ID_HEADER = "MS-CorrelationId";
    static final String REQUEST_ID_HEADER = "MS-RequestId";

    // The synchronous API answers lower case; portals get the names the rest of Partner Center uses.
    private static final Map<String, String> CANONICAL_QUALIFICATIONS = Map.of(
            "none", "None",
            "education", "Education",
            "nonprofit", "Nonprofit",
            "governmentcommunitycloud", "GovernmentCommunityCloud",
            "stateownedentity", "StateOwnedEntity");

    // The only validation type there is.
    static final String ACCOUNT = "account";

    // The partner's own data, not one customer's: what the validation codes are cached and gated under.
    private static final String ALL_CUSTOMERS = "all";

    // What each answer is, for the fleet's copies of it in Redis.
    private static final TypeReference<List<ValidationCode>> VALIDATION_CODES = new TypeReference<>() {};
    private static final TypeReference<List<CustomerQualification>> QUALIFICATIONS = new TypeReference<>() {};
    private static final TypeReference<String> QUALIFICATION = new TypeReference<>() {};
    private static final TypeReference<ValidationStatus> VALIDATION_STATUS = new TypeReference<>() {};

    private final WebClient webClient;
    private final String customers;
    private final UpstreamResilience resilience;
    private final ResponseCache cache;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final Clock clock;

    // Built from Boot's builder, so the HTTP client metrics and tracing stay attached.
    PartnerCenterClient(
            WebClient.Builder builder,
            PartnerCenterProperties properties,
            EntraIdTokens tokens,
            UpstreamResilience resilience,
            ResponseCache cache,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock) {
        this.webClient = builder.clone()
                .clientConnector(Connectors.connector(null))
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader("MS-Contract-Version", "v1")
                .defaultHeader("MS-PartnerCenter-Application", properties.applicationName())
                .defaultHeader("X-Locale", properties.locale())
                .filter(tokens.filter())
                .build();
        String base = properties.baseUrl().toString();
        this.customers = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/customers/";
        this.resilience = resilience;
        this.cache = cache;
        this.json = json;
        this.meters = meters;
        this.clock = clock;
    }

    /** {@code GET /v1/customers/all/validations}: the partner's GCC validation codes. */
    Mono<List<ValidationCode>> validationCodes() {
        return counted(
                Operation.VALIDATION_CODES,
                cache.get(
                        Operation.VALIDATION_CODES,
                        ALL_CUSTOMERS,
                        VALIDATION_CODES,
                        () -> call(
                                Operation.VALIDATION_CODES,
                                ALL_CUSTOMERS,
                                HttpMethod.GET,
                                customers(ALL_CUSTOMERS, "/validations", null, null),
                                null,
                                (operation, body) -> items(operation, body, ValidationCode.class))));
    }

    /** {@code GET /v1/customers/{id}/qualifications}: all qualifications (the asynchronous API). */
    Mono<List<CustomerQualification>> qualifications(String customerId) {
        return counted(
                Operation.QUALIFICATIONS,
                cache.get(
                        Operation.QUALIFICATIONS, customerId, QUALIFICATIONS, () -> askForQualifications(customerId)));
    }

    /** The customer's qualifications as Partner Center has them now, never from a cache. */
    Mono<List<CustomerQualification>> qualificationsFromPartnerCenter(String customerId) {
        return counted(Operation.QUALIFICATIONS, askForQualifications(customerId));
    }

    private Mono<List<CustomerQualification>> askForQualifications(String customerId) {
        return call(
                Operation.QUALIFICATIONS,
                customerId,
                HttpMethod.GET,
                customers(customerId, "/qualifications", null, null),
                null,
                (operation, body) -> items(operation, body, CustomerQualification.class));
    }

    /** {@code GET /v1/customers/{id}/qualification}: the single value of the older synchronous API. */
    Mono<String> qualification(String customerId) {
        return counted(
                Operation.QUALIFICATION_SYNC,
                cache.get(
                        Operation.QUALIFICATION_SYNC,
                        customerId,
                        QUALIFICATION,
                        () -> call(
                                Operation.QUALIFICATION_SYNC,
                                customerId,
                                HttpMethod.GET,
                                customers(customerId, "/qualification", null, null),
                                null,
                                PartnerCenterClient::canonicalQualification)));
    }

    /**
     * The update, sent with the given {@code MS-RequestId}: Partner Center's own idempotency key, which an update
     * sent again after a timeout carries once more.
     */
    Mono<CustomerQualification> createQualification(String customerId, QualificationUpdate update, String requestId) {
        return counted(
                Operation.QUALIFICATION_UPDATE,
                call(
                                Operation.QUALIFICATION_UPDATE,
                                requestId,
                                customerId,
                                HttpMethod.POST,
                                customers(customerId, "/qualifications", "code", update.code()),
                                update,
                                (operation, body) -> read(operation, body, CustomerQualification.class))
                        .flatMap(created -> changed(customerId, update).thenReturn(created))
                        // It may have been applied: what was kept from before it may be out of date, fresh or
                        // last-known.
                        .onErrorResume(
                                failure -> failure instanceof PartnerCenterException e && e.outcomeUnknown(),
                                failure -> changed(customerId, update).then(Mono.error(failure))));
    }

    // Answered once the fleet was told: a portal that reads right after its update, on any replica, does not get
    // the answer from before it. A GCC validation code used up changes the partner's codes (remainingCreates) too.
    private Mono<Void> changed(String customerId, QualificationUpdate update) {
        return cache.invalidate(customerId)
                .then(update.code() != null ? cache.invalidate(ALL_CUSTOMERS) : Mono.empty());
    }

    /**
     * The validation status, and, when Partner Center cannot answer, its last-known one only if {@code
     * staleAcceptable} accepts it.
     */
    Mono<ValidationStatus> validationStatus(String customerId, Predicate<ValidationStatus> staleAcceptable) {
        // The only type there is is account, so the customer id alone keys the cache.
        return counted(
                Operation.VALIDATION_STATUS,
                cache.get(
                        Operation.VALIDATION_STATUS,
                        customerId,
                        VALIDATION_STATUS,
                        () -> askForValidationStatus(customerId),
                        staleAcceptable));
    }

    /** The customer's validation status as Partner Center has it now, never from a cache. */
    Mono<ValidationStatus> validationStatusFromPartnerCenter(String customerId) {
        return counted(Operation.VALIDATION_STATUS, askForValidationStatus(customerId));
    }

    private Mono<ValidationStatus> askForValidationStatus(String customerId) {
        return call(
                Operation.VALIDATION_STATUS,
                customerId,
                HttpMethod.GET,
                customers(customerId, "/validationStatus", "type", ACCOUNT),
                null,
                (operation, body) -> read(operation, body, ValidationStatus.class));
    }

    /** What this replica and the fleet keep of the customer's answers is out of date: a watch saw it change. */
    Mono<Void> changedElsewhere(String customerId) {
        return cache.invalidate(customerId);
    }

    /**
     * {@code /v1/customers/{id}{resource}?{name}={value}} on Partner Center, the id and the value encoded as a
     * template's variables are (every character but the unreserved ones). Put together here rather than by
     * expanding a UriBuilder template, which took 4 % of a passed-through request (docs/performance.md).
     */
    private URI customers(String customerId, String resource, String name, String value) {
        String path = customers + UriUtils.encode(customerId, StandardCharsets.UTF_8) + resource;
        return URI.create(
                value == null ? path : path + "?" + name + "=" + UriUtils.encode(value, StandardCharsets.UTF_8));
    }

    /**
     * One question of a portal, counted in {@code partner_center_portal_requests_total{portal,operation,outcome}}
     * once answered: where the answer came from ({@link CacheStatus#outcome()}) or the problem's type. Tags stay
     * few: portals are the configured ones and {@code other}, problem types a fixed set.
     */
    private <T> Mono<T> counted(Operation operation, Mono<T> question) {
        return Mono.deferContextual(context -> {
            String portal = RequestContext.portal(context);
            CacheStatus status = context.getOrDefault(CacheStatus.class, null);
            return question.doOnSuccess(
                            answer -> count(portal, operation, status == null ? "partner-center" : status.outcome()))
                    .doOnError(failure -> count(
                            portal, operation, failure instanceof PartnerCenterException e ? e.type() : "unexpected"));
        });
    }

    private void count(String portal, Operation operation, String outcome) {
        meters.counter(
                        "partner.center.portal.requests",
                        "portal",
                        portal,
                        "operation",
                        operation.instanceName(),
                        "outcome",
                        outcome)
                .increment();
    }

    /** Reads a successful answer's JSON; failures name the operation, which the failure table needs. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(Operation operation, JsonNode body);
    }

    private <T> Mono<T> call(
            Operation operation, String customerId, HttpMethod method, URI uri, Object body, Reader<T> reader) {
        return Mono.defer(() -> call(operation, CorrelationId.newId(), customerId, method, uri, body, reader));
    }

    // One request id per logical call, on every attempt: Partner Center uses it to spot a repeated request.
    private <T> Mono<T> call(
            Operation operation,
            String requestId,
            String customerId,
            HttpMethod method,
            URI uri,
            Object body,
            Reader<T> reader) {
        return Mono.deferContextual(context -> {
            String correlationId = RequestContext.correlationId(context);
            WebClient.RequestBodySpec request = webClient
                    .method(method)
                    .uri(uri)
                    .attribute(EntraIdTokens.OPERATION_ATTRIBUTE, operation)
                    .header(CORRELATION_ID_HEADER, correlationId)
                    .header(REQUEST_ID_HEADER, requestId);
            if (body != null) {
                request.body(BodyInserters.fromValue(body));
            }
            return resilience.call(
                    operation,
                    customerId,
                    requestId,
                    () -> request.exchangeToMono(response -> answer(operation, response, reader))
                            .onErrorMap(e -> !(e instanceof PartnerCenterException), e -> translate(operation, e)));
        });
    }

    private <T> Mono<T> answer(Operation operation, ClientResponse response, Reader<T> reader) {
        int status = response.statusCode().value();
        Mono<String> body = response.bodyToMono(String.class)
                .map(PartnerCenterClient::withoutByteOrderMark)
                .defaultIfEmpty("");
        if (response.statusCode().is2xxSuccessful()) {
            return body.flatMap(text -> Mono.justOrEmpty(reader.read(operation, parse(operation, text))));
        }
        Duration retryAfter =
                RetryAfter.parse(response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), clock);
        return body.flatMap(text -> Mono.error(
                PartnerCenterException.fromUpstream(operation, status, UpstreamError.parse(json, text), retryAfter)));
    }

    /**
     * Partner Center has been seen putting a UTF-8 byte order mark before the JSON of every answer. The text is
     * decoded already, so the mark is one character; JSON does not allow it, so it is dropped, in one place for
     * answers and errors alike.
     */
    static String withoutByteOrderMark(String text) {
        return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }

    private JsonNode parse(Operation operation, String text) {
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            throw PartnerCenterException.malformed(operation, "not JSON", e);
        }
    }

    private <T> T read(Operation operation, JsonNode node, Class<T> type) {
        if (!node.isObject()) {
            throw PartnerCenterException.malformed(operation, "expected a JSON object", null);
        }
        try {
            return json.treeToValue(node, type);
        } catch (JacksonException e) {
            throw PartnerCenterException.malformed(operation, "unexpected fields", e);
        }
    }

    // Collections come as bare arrays in the documents and as {"items": [...]} elsewhere in Partner Center.
    private <T> List<T> items(Operation operation, JsonNode node, Class<T> type) {
        JsonNode items = node.isObject() && node.has("items") ? node.get("items") : node;
        if (!items.isArray()) {
            throw PartnerCenterException.malformed(operation, "expected a JSON array", null);
        }
        List<T> result = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            result.add(read(operation, item, type));
        }
        return result;
    }

    private static String canonicalQualification(Operation operation, JsonNode node) {
        JsonNode value = node.isObject() ? node.get("qualification") : node;
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw PartnerCenterException.malformed(operation, "expected a qualification string", null);
        }
        String text = value.asString();
        return CANONICAL_QUALIFICATIONS.getOrDefault(text.toLowerCase(Locale.ROOT), text);
    }

    private static PartnerCenterException translate(Operation operation, Throwable error) {
        if (error instanceof DataBufferLimitException) {
            return PartnerCenterException.malformed(operation, "too large", error);
        }
        return PartnerCenterException.connectionFailed(operation, error);
    }
}
