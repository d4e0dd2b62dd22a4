package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * What fuzzing the API from its own document found answering 500, an HTML page or an empty body, each as a
 * problem now: refused requests get {@code application/problem+json} with a correlation id, whatever layer
 * refuses them (Tomcat, a filter, Spring Security, Spring MVC).
 */
class RefusalsTest extends EndToEndTest {

    // The simulator's customer with the validation status Allowed (a constant, for the annotations).
    static final String CUSTOMER = "/api/v1/customers/c0ffee00-0000-4000-8000-000000000001";

    String bearer;

    @BeforeEach
    void token() {
        bearer = "Bearer "
                + EndToEnd.token(
                        issuer,
                        java.util.List.of(LocalTokenIssuer.AUDIENCE),
                        java.util.Map.of("scp", "partner-center.read partner-center.write"),
                        3600);
    }

    static JsonNode problem(RawHttp.Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        String correlationId = answer.header("X-Correlation-Id");
        assertThat(correlationId).isNotBlank();
        JsonNode body = answer.json();
        for (String member : new String[] {"type", "title", "status", "detail", "correlationId", "retryable"}) {
            assertThat(body.has(member)).as(member + " in " + answer.body()).isTrue();
        }
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("correlationId").asString()).isEqualTo(correlationId);
        assertThat(answer.body()).doesNotContain("Exception", "\tat ", "<html");
        return body;
    }

    @ParameterizedTest
    @ValueSource(strings = {"?x=%e9", "?type=%e9", "?%e9=1", "?x=%zz"})
    void aQueryThatCannotBeDecodedIsABadRequest(String query) {
        JsonNode body =
                problem(RawHttp.get(port, CUSTOMER + "/validation-status" + query, "Authorization", bearer), 400);

        assertThat(body.get("detail").asString()).contains("cannot be decoded");
    }

    @ParameterizedTest
    @ValueSource(strings = {CUSTOMER + "/qualifications", "/api/v1/purchase-eligibility/batch"})
    void aMultipartBodyWithoutBoundaryIsAnUnsupportedMediaType(String path) {
        problem(
                RawHttp.send(
                        port,
                        "POST",
                        path,
                        "x".getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        bearer,
                        "Content-Type",
                        "multipart/form-data"),
                415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "a=%e9"})
    void aFormBodyThatCannotBeDecodedIsABadRequest(String form) {
        problem(
                RawHttp.send(
                        port,
                        "POST",
                        CUSTOMER + "/qualifications",
                        form.getBytes(StandardCharsets.ISO_8859_1),
                        "Authorization",
                        bearer,
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
    void aFormBodyThatCannotBeDecodedIsNoFailureForOtherMethodsEither(String method) {
        problem(
                RawHttp.send(
                        port,
                        method,
                        "/api/v1/purchase-eligibility/batch",
                        "{\"customerIds\": [\"%zz\"]}".getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        bearer,
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer"})
    void theErrorPageIsNotAnEndpoint(String authorization) {
        if (authorization.isEmpty()) {
            problem(RawHttp.get(port, "/error"), 401);
        } else {
            problem(RawHttp.get(port, "/error", "Authorization", bearer), 404);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/customers/..%2F..%2Fall/qualifications",
                "/api/v1/customers/a%5Cb/qualifications",
                "/api/v1/customers/a%00b/qualifications",
                "/api/v1/customers/%ff%fe/qualifications",
                "/api/v1/customers/%c3%28/qualifications"
            })
    void aPathTheWebServerRefusesIsStillAProblemWithACorrelationId(String path) {
        JsonNode body = problem(
                RawHttp.get(
                        port,
                        path,
                        "Authorization",
                        bearer,
                        "X-Correlation-Id",
                        "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a"),
                400);

        // The portal's correlation id is kept even for what never reached the service's filters.
        assertThat(body.get("correlationId").asString()).isEqualTo("0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"][ | 400", "x/y;q=bad | 400", "text/html | 406", "application/xml | 406"})
    void anAcceptHeaderThatCannotBeParsedOrMetStillGetsAProblem(String accept, int status) {
        problem(RawHttp.get(port, CUSTOMER + "/validation-status", "Authorization", bearer, "Accept", accept), status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"][", "x/y;q=bad"})
    void anUnparseableAcceptIsRefusedBeforePartnerCenterIsAsked(String accept) {
        int before = simulator.getAllServeEvents().size();

        problem(RawHttp.get(port, CUSTOMER + "/qualifications", "Authorization", bearer, "Accept", accept), 400);

        assertThat(simulator.getAllServeEvents()).hasSize(before);
    }
}
