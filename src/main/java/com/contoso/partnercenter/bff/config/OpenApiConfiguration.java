package com.contoso.partnercenter.bff.config;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.web.Answers;
import com.contoso.partnercenter.bff.web.Idempotency;
import com.contoso.partnercenter.bff.web.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The OpenAPI document portal developers read first: bearer security (and, when configured, an OAuth2 scheme
 * Swagger UI can get a token from), and every problem an operation can answer, each with an example, added here
 * once instead of on every controller method.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String BEARER = "bearer";
    private static final String OAUTH2 = "oauth2";
    private static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI partnerCenterBffOpenApi(SwaggerUiOAuth2Properties oauth2) {
        OpenAPI openApi = new OpenAPI()
                .info(new Info()
                        .title("Partner Center BFF")
                        .version("v1")
                        .description("""
                                A simple, safe API over Microsoft Partner Center's customer validation and \
                                qualification APIs, with purchase eligibility derived from the account validation \
                                status. Every error is an RFC 9457 problem with a correlationId; send \
                                X-Correlation-Id (a GUID) to choose it.""")
                        .license(new License().name("Proprietary").identifier("LicenseRef-Proprietary")))
                // Relative, so the document holds behind any ingress host or path a deployment gives it.
                .servers(List.of(new Server().url("/").description("This service")))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("A token with partner-center.read (GET) or partner-center.write"
                                                + " (POST) in scope, scp or roles."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
        if (oauth2.enabled()) {
            // Either scheme will do: Swagger UI sends whichever the reader authorized.
            openApi.getComponents().addSecuritySchemes(OAUTH2, oauth2Scheme(oauth2));
            openApi.addSecurityItem(new SecurityRequirement().addList(OAUTH2));
        }
        return openApi;
    }

    private static SecurityScheme oauth2Scheme(SwaggerUiOAuth2Properties oauth2) {
        Scopes scopes = new Scopes();
        oauth2.scopes().forEach(scope -> scopes.addString(scope, "Requested with the token."));
        OAuthFlow flow = new OAuthFlow().tokenUrl(oauth2.tokenUrl().toString()).scopes(scopes);
        OAuthFlows flows = new OAuthFlows();
        if (oauth2.authorizationCode()) {
            flows.authorizationCode(
                    flow.authorizationUrl(oauth2.authorizationUrl().toString()));
        } else {
            flows.clientCredentials(flow);
        }
        return new SecurityScheme()
                .type(SecurityScheme.Type.OAUTH2)
                .flows(flows)
                .description("Gets a token from the token issuer; the token is then sent as a bearer token.");
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            // springdoc drops component schemas no annotation refers to before customizers run.
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            nullableReferences(openApi.getComponents().getSchemas().get("CustomerEvent"));
            openApi.getPaths()
                    .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                        var responses = operation.getResponses();
                        // A batch answers each customer's upstream failure inside its 200, never as its own status;
                        // a stream of events has no failure of its own once started (a failed reading sends nothing).
                        boolean stream = path.endsWith("/customer-events");
                        boolean upstream = path.startsWith("/api/") && !path.endsWith("/batch") && !stream;
                        Map<String, ApiResponse> problems = new LinkedHashMap<>();
                        problems.put(
                                "400",
                                problem(
                                        400,
                                        "Invalid input (path, query or body).",
                                        "invalid-request",
                                        "Invalid request",
                                        "customerId must be a GUID such as 0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a.",
                                        false,
                                        null));
                        problems.put(
                                "401",
                                problem(
                                        401,
                                        "No bearer token, or not a valid one.",
                                        "unauthorized",
                                        "Authentication required",
                                        "A valid bearer token for this service is required.",
                                        false,
                                        null));
                        problems.put(
                                "403",
                                problem(
                                        403,
                                        "The token lacks the needed permission.",
                                        "forbidden",
                                        "Permission missing",
                                        "The token does not grant the permission this operation needs (partner-center.read for reading,"
                                                + " partner-center.write for updating).",
                                        false,
                                        null));
                        if (upstream) {
                            problems.put(
                                    "404",
                                    problem(
                                            404,
                                            "Partner Center has no such resource.",
                                            "not-found",
                                            "Not found in Partner Center",
                                            "Account Status for the customer, 0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a was not found.",
                                            false,
                                            Map.of(
                                                    "upstreamErrorCode",
                                                    "600074",
                                                    "upstreamErrorName",
                                                    "AccountStatusNotFound")));
                            problems.put(
                                    "502",
                                    problem(
                                            502,
                                            "Partner Center failed, answered something unreadable, or refused the"
                                                    + " service's credentials.",
                                            "upstream-failure",
                                            "Partner Center failed",
                                            "Partner Center answered 500.",
                                            true,
                                            null));
                            problems.put(
                                    "429",
                                    problem(
                                            429,
                                            "This portal has used its share of the partner's quota"
                                                    + " (partner-center.portals.*.share) and the other portals leave"
                                                    + " none spare. Retry-After says when its next request is free.",
                                            "portal-over-share",
                                            "This portal is over its share of the partner's quota",
                                            "The portal sales has used its share of the partner's quota for"
                                                    + " validation-status (partner-center.portals.sales.share) and the"
                                                    + " other portals leave none spare; its next request is free in 3 s.",
                                            true,
                                            Map.of("retryAfter", 3)));
                            problems.put(
                                    "503",
                                    problem(
                                            503,
                                            "Partner Center is throttling and the wait would pass the deadline, or the"
                                                    + " circuit is open. Retry-After says when to try again.",
                                            "throttled",
                                            "Partner Center is throttling requests",
                                            "Partner Center asked to wait 57 s before the next request.",
                                            true,
                                            null));
                            problems.put(
                                    "504",
                                    problem(
                                            504,
                                            "Partner Center did not answer within the deadline.",
                                            "upstream-timeout",
                                            "Partner Center did not answer in time",
                                            "Partner Center did not answer within 25.0 s.",
                                            true,
                                            null));
                        }
                        if (stream) {
                            problems.put(
                                    "429",
                                    problem(
                                            429,
                                            "The fleet already watches partner-center.watch.max-customers customers."
                                                    + " Retry-After says when customers of closed streams have left.",
                                            "watch-limit-reached",
                                            "Too many customers watched",
                                            "The service watches 990 customers for the whole fleet, and 20 more would"
                                                    + " pass its limit of 1000 (partner-center.watch.max-customers).",
                                            true,
                                            Map.of("retryAfter", 30)));
                        }
                        boolean conditional = upstream && method == PathItem.HttpMethod.GET;
                        boolean idempotent = upstream && method == PathItem.HttpMethod.POST;
                        if (conditional) {
                            operation.addParametersItem(new HeaderParameter()
                                    .name(HttpHeaders.IF_NONE_MATCH)
                                    .description("An ETag of an earlier answer (or *): when the answer is still"
                                            + " the same, 304 without a body instead.")
                                    .schema(new StringSchema().example("\"5d41402abc4b2a76b9719d911017c592\"")));
                            problems.put(
                                    "304",
                                    new ApiResponse()
                                            .description("Not modified: the answer If-None-Match named is still the"
                                                    + " current one. No body."));
                        }
                        if (idempotent) {
                            problems.put(
                                    "409",
                                    problem(
                                            409,
                                            "The first request with this Idempotency-Key is still in flight."
                                                    + " Retry-After says when to send it again.",
                                            "idempotency-key-in-flight",
                                            "The first request with this Idempotency-Key is still in flight",
                                            "A request with this Idempotency-Key is being sent to Partner Center now."
                                                    + " Send it again after Retry-After: it then gets that request's"
                                                    + " answer.",
                                            true,
                                            Map.of("retryAfter", 2)));
                            problems.put(
                                    "422",
                                    problem(
                                            422,
                                            "This Idempotency-Key was sent with another request in the last 24 hours.",
                                            "idempotency-key-reused",
                                            "Idempotency-Key used for another request",
                                            "This Idempotency-Key was sent with another request (another customer,"
                                                    + " qualification or field) in the last 24 hours. Use a new key"
                                                    + " for a new update.",
                                            false,
                                            null));
                        }
                        problems.forEach(responses::putIfAbsent);
                        // Every answer says where it came from, and so do the problems of its upstream call.
                        Set<String> cacheStatus = !path.startsWith("/api/") || stream
                                ? Set.of()
                                : upstream ? Set.of("200", "201", "304", "404", "502", "503", "504") : Set.of("200");
                        responses.forEach((status, response) -> {
                            headers(response, status, cacheStatus.contains(status));
                            if (conditional && (status.equals("200") || status.equals("304"))) {
                                conditionalHeaders(response);
                            }
                            if (conditional && (status.equals("200") || status.equals("304"))) {
                                response.addHeaderObject(
                                        HttpHeaders.AGE,
                                        new Header()
                                                .description("Only on a last-known answer (Cache-Status detail="
                                                        + "stale-if-error): seconds since Partner Center gave it.")
                                                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ZERO)));
                            }
                            if (idempotent && status.equals("201")) {
                                response.addHeaderObject(
                                        HttpHeaders.LOCATION,
                                        new Header()
                                                .description("The customer's qualifications.")
                                                .schema(new StringSchema().format("uri")));
                            }
                            if (idempotent
                                    && !Set.of("401", "403", "409", "422").contains(status)) {
                                response.addHeaderObject(
                                        Idempotency.REPLAYED,
                                        new Header()
                                                .description("true when this is the answer to an earlier request"
                                                        + " with the same Idempotency-Key, not a new update.")
                                                .schema(new StringSchema()._enum(List.of("true"))));
                            }
                        });
                    }));
        };
    }

    // springdoc writes a nullable reference as "type": "null" beside the $ref, which generated clients read as
    // "always null"; what is meant is the referenced object or null.
    private static void nullableReferences(Schema<?> event) {
        if (event == null) {
            return;
        }
        event.getProperties()
                .replaceAll((name, property) -> property.get$ref() == null || property.getTypes() == null
                        ? property
                        : new JsonSchema()
                                .description(property.getDescription())
                                .anyOf(List.of(
                                        new JsonSchema().$ref(property.get$ref()),
                                        new JsonSchema().types(Set.of("null")))));
    }

    private static void conditionalHeaders(ApiResponse response) {
        response.addHeaderObject(
                HttpHeaders.ETAG,
                new Header()
                        .description("A strong tag of the answer's body, the same on every replica; send it back"
                                + " in If-None-Match.")
                        .schema(new StringSchema().example("\"5d41402abc4b2a76b9719d911017c592\"")));
        response.addHeaderObject(
                HttpHeaders.CACHE_CONTROL,
                new Header()
                        .description("private, max-age=<seconds the service keeps serving this answer> (0 for a"
                                + " last-known answer), or no-store when its cache is off.")
                        .schema(new StringSchema().example("private, max-age=30")));
    }

    /** The headers a portal can rely on, so generated clients and Swagger UI show them too. */
    private static void headers(ApiResponse response, String status, boolean cacheStatus) {
        response.addHeaderObject(
                CorrelationId.HEADER,
                new Header()
                        .description("The request's correlation id: the caller's X-Correlation-Id when it sent a GUID,"
                                + " otherwise a new one. Quote it when reporting a problem.")
                        .schema(new StringSchema().format("uuid")));
        if (status.equals("503") || status.equals("409") || status.equals("429")) {
            response.addHeaderObject(
                    HttpHeaders.RETRY_AFTER,
                    new Header()
                            .description("Seconds to wait before trying again.")
                            .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE)));
        }
        if (cacheStatus) {
            response.addHeaderObject(
                    Answers.CACHE_STATUS,
                    new Header()
                            .description("RFC 9211: where the answer came from: partner-center-bff; hit,"
                                    + " partner-center-bff; fwd=miss (asked Partner Center), partner-center-bff;"
                                    + " fwd=miss; collapsed (waited for another request's call),"
                                    + " partner-center-bff; fwd=bypass (caching off), with detail=fleet when another"
                                    + " replica had it, or partner-center-bff; hit; ttl=-<seconds past fresh>;"
                                    + " detail=stale-if-error: Partner Center could not answer and this is the last"
                                    + " answer it gave (see Age). Purchase eligibility answers a last-known"
                                    + " decision only when it blocks purchases.")
                            .schema(new StringSchema().example("partner-center-bff; hit")));
        }
    }

    private static ApiResponse problem(
            int status,
            String description,
            String type,
            String title,
            String detail,
            boolean retryable,
            Map<String, Object> upstream) {
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", Problems.TYPE_PREFIX + type);
        example.put("title", title);
        example.put("status", status);
        example.put("detail", detail);
        example.put("instance", "/api/v1/customers/0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a/validation-status");
        example.put("correlationId", "7d2456fd-2d79-46d0-9f8e-5d7ecd5f8745");
        example.put("retryable", retryable);
        if (upstream != null) {
            example.putAll(new java.util.TreeMap<>(upstream)); // Map.of has no order; the saved document keeps one
        }
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType()
                                        .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                                        .addExamples(type, new Example().value(example))));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem.")
                .addProperty("type", new StringSchema().format("uri").description("What went wrong, as a stable URN."))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema().description("A sentence a portal can show to a person."))
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("correlationId", new StringSchema().format("uuid"))
                .addProperty("retryable", new BooleanSchema().description("Whether trying again later may succeed."))
                .addProperty(
                        "retryAfter",
                        new IntegerSchema()
                                .format("int64")
                                .minimum(java.math.BigDecimal.ONE)
                                .description("Seconds to wait before trying again, as Retry-After says; with 503"
                                        + " and 409."))
                .addProperty(
                        "upstreamErrorCode",
                        new StringSchema().description("Partner Center's error code, when it gave one."))
                .addProperty(
                        "upstreamErrorName",
                        new StringSchema().description("Partner Center's error name, when it gave one."))
                .addProperty(
                        "errors",
                        new ArraySchema()
                                .description("Each invalid input, for 400.")
                                .items(new ObjectSchema()
                                        .addProperty("field", new StringSchema())
                                        .addProperty("message", new StringSchema())
                                        .required(List.of("field", "message"))))
                .required(List.of("type", "title", "status", "detail", "instance", "correlationId", "retryable"));
    }
}
