package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faults injected into a real HTTP Partner Center, each case checking what the portal receives, how many
 * attempts reached Partner Center, when, and with which headers. Timings are scaled down: 1 s per
 * attempt, 3 s per request, 100 ms first backoff without jitter, a breaker over 4 calls open for 1 s.
 */
@TestPropertySource(
        properties = {
            "partner-center.deadline=3s",
            "partner-center.cache.ttl=0",
            "resilience4j.timelimiter.configs.default.timeout-duration=1s",
            "resilience4j.retry.configs.default.wait-duration=100ms",
            "resilience4j.retry.configs.default.enable-randomized-wait=false",
            "resilience4j.circuitbreaker.configs.default.sliding-window-size=4",
            "resilience4j.circuitbreaker.configs.default.minimum-number-of-calls=4",
            "resilience4j.circuitbreaker.configs.default.wait-duration-in-open-state=1s",
            "resilience4j.circuitbreaker.configs.default.permitted-number-of-calls-in-half-open-state=1",
            "resilience4j.bulkhead.instances.partner-center.max-concurrent-calls=2",
        })
@ExtendWith(OutputCaptureExtension.class)
class FaultInjectionTest extends EndToEndTest {

    static final String CODES = "/v1/customers/all/validations";
    static final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    CircuitBreakerRegistry circuitBreakers;

    @LocalManagementPort
    int managementPort;

    String token;

    // A customer of its own for every test: throttle gates and the breakers' windows remember customers.
    String customer;
    String status;
    String qualifications;

    @BeforeEach
    void reset() {
        Fixture.resetSimulator();
        circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        customer = UUID.randomUUID().toString();
        status = "/v1/customers/" + customer + "/validationStatus";
        qualifications = "/v1/customers/" + customer + "/qualifications";
        token = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                java.util.Map.of("scp", "partner-center.read partner-center.write"),
                3600);
    }

    record Answer(int status, JsonNode body, HttpResponse<String> response, Duration took) {
        String type() {
            return body.get("type").asString().replace("urn:partner-center-bff:problem:", "");
        }
    }

    Answer portalGet(String path) {
        long started = System.nanoTime();
        HttpResponse<String> response = EndToEnd.get("http://127.0.0.1:" + port + path, token);
        return answer(response, started);
    }

    Answer portalPost(String path, String json) {
        long started = System.nanoTime();
        return answer(EndToEnd.post("http://127.0.0.1:" + port + path, token, json), started);
    }

    static Answer answer(HttpResponse<String> response, long started) {
        JsonNode body = response.body().isEmpty() ? null : JsonMapper.shared().readTree(response.body());
        return new Answer(response.statusCode(), body, response, Duration.ofNanos(System.nanoTime() - started));
    }

    static List<LoggedRequest> attempts(String path) {
        return simulator.findAll(anyRequestedFor(urlPathEqualTo(path)));
    }

    static ResponseDefinitionBuilder error(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    // --- transport faults: a GET is retried, three attempts in all, then 502 ---

    @Test
    void connectionResetIsRetriedWithTheSameRequestIdThenABadGateway() {
        simulator.stubFor(get(CODES).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.type()).isEqualTo("upstream-unreachable");
        assertThat(answer.body().get("retryable").asBoolean()).isTrue();
        List<LoggedRequest> attempts = attempts(CODES);
        assertThat(attempts).hasSize(3);
        assertThat(attempts)
                .extracting(r -> r.getHeader("MS-RequestId"))
                .containsOnly(attempts.get(0).getHeader("MS-RequestId"));
        assertThat(attempts)
                .extracting(r -> r.getHeader("MS-CorrelationId"))
                .containsOnly(answer.body().get("correlationId").asString());
    }

    @Test
    void emptyReplyIsRetriedThenABadGateway() {
        simulator.stubFor(get(CODES).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void randomDataThenCloseIsRetriedThenABadGateway() {
        simulator.stubFor(get(CODES).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void malformedJsonIsRetriedThenABadGateway() {
        simulator.stubFor(get(CODES).willReturn(okJson("[{\"validationId\": ")));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.type()).isEqualTo("upstream-malformed");
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void aTransientFaultThatClearsIsInvisibleToThePortal() {
        simulator.stubFor(get(CODES)
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("ok")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        simulator.stubFor(
                get(CODES).inScenario("flaky").whenScenarioStateIs("ok").willReturn(okJson("[]")));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(attempts(CODES)).hasSize(2);
    }

    // --- time ---

    @Test
    void eachSlowAttemptIsCutAtItsLimitAndTheRequestAtItsDeadline() {
        simulator.stubFor(get(CODES).willReturn(okJson("[]").withFixedDelay(1_500)));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.type()).isEqualTo("upstream-timeout");
        assertThat(answer.took()).isBetween(Duration.ofMillis(2_900), Duration.ofMillis(3_900));
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void aBodyDribbledPastTheDeadlineIsAGatewayTimeoutOnTime() {
        simulator.stubFor(
                get(CODES).willReturn(okJson("[" + " ".repeat(2_000) + "]").withChunkedDribbleDelay(20, 6_000)));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.took()).isLessThan(Duration.ofMillis(3_900));
    }

    // --- throttling ---

    @Test
    void retryAfterInSecondsIsWaitedFor() {
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("free")
                .willReturn(error(429, "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded.\"}")
                        .withHeader("Retry-After", "1")));
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .inScenario("throttled")
                .whenScenarioStateIs("free")
                .willReturn(okJson("[]")));

        Answer answer = portalGet("/api/v1/customers/" + customer + "/qualifications");

        assertThat(answer.status()).isEqualTo(200);
        List<LoggedRequest> attempts = attempts(qualifications);
        assertThat(attempts).hasSize(2);
        assertThat(Duration.between(
                        attempts.get(0).getLoggedDate().toInstant(),
                        attempts.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedFor() {
        String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2));
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("free")
                .willReturn(error(429, "{\"statusCode\": 429}").withHeader("Retry-After", inTwoSeconds)));
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .inScenario("throttled")
                .whenScenarioStateIs("free")
                .willReturn(okJson("[]")));

        Answer answer = portalGet("/api/v1/customers/" + customer + "/qualifications");

        assertThat(answer.status()).isEqualTo(200);
        List<LoggedRequest> attempts = attempts(qualifications);
        assertThat(attempts).hasSize(2);
        // The date has whole seconds, so the wait is between one and two seconds.
        assertThat(Duration.between(
                        attempts.get(0).getLoggedDate().toInstant(),
                        attempts.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void throttlingWithoutRetryAfterIsTakenAsAWaitOfOneSecondAndEndsInAServiceUnavailable() {
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .willReturn(error(429, "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded.\"}")));

        Answer answer = portalGet("/api/v1/customers/" + customer + "/qualifications");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.type()).isEqualTo("throttled");
        assertThat(answer.response().headers().firstValue("Retry-After")).isPresent();
        List<LoggedRequest> attempts = attempts(qualifications);
        assertThat(attempts).hasSize(3);
        Duration firstWait = Duration.between(
                attempts.get(0).getLoggedDate().toInstant(),
                attempts.get(1).getLoggedDate().toInstant());
        Duration secondWait = Duration.between(
                attempts.get(1).getLoggedDate().toInstant(),
                attempts.get(2).getLoggedDate().toInstant());
        // The gate closes for a second, so the retries wait for it rather than for their 100 and 200 ms backoff.
        assertThat(firstWait).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(secondWait).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void aWaitPastTheDeadlineIsNotTakenTheWaitIsPassedOn() {
        simulator.stubFor(get(urlPathEqualTo(qualifications))
                .willReturn(error(429, "{\"statusCode\": 429, \"message\": \"Try again in 57 seconds.\"}")
                        .withHeader("Retry-After", "57")));

        Answer answer = portalGet("/api/v1/customers/" + customer + "/qualifications");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.response().headers().firstValue("Retry-After")).hasValue("57");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(1));
        assertThat(attempts(qualifications)).hasSize(1);
    }

    // --- isRetryable decides whenever it is present ---

    @Test
    void aServerErrorMarkedRetryableIsRetried() {
        simulator.stubFor(get(CODES)
                .willReturn(error(500, "{\"code\": 600001, \"errorName\": \"Busy\", \"isRetryable\": true}")));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body().get("upstreamErrorName").asString()).isEqualTo("Busy");
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void aServerErrorMarkedNotRetryableIsNotRetried() {
        simulator.stubFor(get(CODES)
                .willReturn(error(503, "{\"code\": 600010, \"errorName\": \"Broken\", \"isRetryable\": false}")));

        Answer answer = portalGet("/api/v1/gcc-validation-codes");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body().get("retryable").asBoolean()).isFalse();
        assertThat(attempts(CODES)).hasSize(1);
    }

    @Test
    void aServerErrorWithoutTheFlagIsRetriedForAGet() {
        simulator.stubFor(get(CODES).willReturn(aResponse().withStatus(503)));

        assertThat(portalGet("/api/v1/gcc-validation-codes").status()).isEqualTo(502);
        assertThat(attempts(CODES)).hasSize(3);
    }

    @Test
    void aClientErrorMarkedRetryableIsRetriedToo() {
        simulator.stubFor(get(urlPathEqualTo(status))
                .willReturn(
                        error(409, "{\"code\": 600050, \"errorName\": \"ConcurrentUpdate\", \"isRetryable\": true}")));

        Answer answer = portalGet("/api/v1/customers/" + customer + "/validation-status");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body().get("upstreamErrorCode").asString()).isEqualTo("600050");
        assertThat(attempts(status)).hasSize(3);
    }

    @Test
    void aPostThatReachedPartnerCenterIsNotRetried() {
        simulator.stubFor(
                post(urlPathEqualTo(qualifications)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        Answer answer =
                portalPost("/api/v1/customers/" + customer + "/qualifications", "{\"qualification\": \"Education\"}");

        assertThat(answer.status()).isEqualTo(502);
        // Partner Center may have created it: the portal is told not to send it again blindly.
        assertThat(answer.body().get("retryable").asBoolean()).isFalse();
        assertThat(answer.body().get("detail").asString()).contains("may have applied the update");
        assertThat(attempts(qualifications)).hasSize(1);
    }

    @Test
    void aPostAnsweredWithAServerErrorWithoutTheFlagIsNotRetried() {
        simulator.stubFor(
                post(urlPathEqualTo(qualifications)).willReturn(aResponse().withStatus(503)));

        assertThat(portalPost("/api/v1/customers/" + customer + "/qualifications", "{\"qualification\": \"Education\"}")
                        .status())
                .isEqualTo(502);
        assertThat(attempts(qualifications)).hasSize(1);
    }

    // --- circuit breakers and bulkhead ---

    @Test
    void theBreakerOpensFailsFastHalfOpensAndClosesAgain(CapturedOutput output) throws Exception {
        simulator.stubFor(get(CODES).willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 3; i++) {
            assertThat(portalGet("/api/v1/gcc-validation-codes").status()).isEqualTo(502);
        }
        // The fourth call's first failure opens the circuit; its retry finds it open.
        assertThat(portalGet("/api/v1/gcc-validation-codes").type()).isEqualTo("circuit-open");
        assertThat(circuitBreakers.circuitBreaker("validation-codes").getState())
                .isEqualTo(CircuitBreaker.State.OPEN);

        Answer open = portalGet("/api/v1/gcc-validation-codes");
        assertThat(open.status()).isEqualTo(503);
        assertThat(open.type()).isEqualTo("circuit-open");
        assertThat(open.response().headers().firstValue("Retry-After")).hasValue("1");
        // The detail and the header say the same wait.
        assertThat(open.body().get("detail").asString()).contains("for 1 s");
        assertThat(open.took()).isLessThan(Duration.ofMillis(500));
        // Each call is counted once, however many attempts it made: three calls of three attempts, then one.
        assertThat(attempts(CODES)).hasSize(10);
        // The breaker fails on the request's own thread; its log line still names the request.
        String correlationId = open.body().get("correlationId").asString();
        assertThat(output.getOut().lines().filter(line -> line.contains("failed: 503")))
                .anySatisfy(line -> assertThat(line).contains(correlationId));

        String health = EndToEnd.get("http://127.0.0.1:" + managementPort + "/actuator/health", null)
                .body();
        assertThat(health).contains("validation-codes", "OPEN");
        assertThat(EndToEnd.get("http://127.0.0.1:" + managementPort + "/actuator/health/readiness", null)
                        .statusCode())
                .isEqualTo(200);

        simulator.stubFor(get(CODES).willReturn(okJson("[]")));
        Thread.sleep(1_100);
        assertThat(portalGet("/api/v1/gcc-validation-codes").status()).isEqualTo(200);
        assertThat(circuitBreakers.circuitBreaker("validation-codes").getState())
                .isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void oneOperationsOpenCircuitLeavesTheOthersAlone() {
        simulator.stubFor(get(CODES).willReturn(aResponse().withStatus(503)));
        simulator.stubFor(get(urlPathEqualTo(qualifications)).willReturn(okJson("[]")));
        for (int i = 0; i < 5; i++) {
            portalGet("/api/v1/gcc-validation-codes");
        }

        assertThat(portalGet("/api/v1/gcc-validation-codes").status()).isEqualTo(503);
        assertThat(portalGet("/api/v1/customers/" + customer + "/qualifications")
                        .status())
                .isEqualTo(200);
        assertThat(circuitBreakers.circuitBreaker("qualifications").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void oneCustomersRepeatedFailuresNeverOpenTheCircuitForTheOthers() {
        simulator.stubFor(
                get(urlPathEqualTo(status)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        for (int i = 0; i < 8; i++) {
            assertThat(portalGet("/api/v1/customers/" + customer + "/validation-status")
                            .status())
                    .isEqualTo(502);
        }

        assertThat(circuitBreakers.circuitBreaker("validation-status").getState())
                .isEqualTo(CircuitBreaker.State.CLOSED);
        String healthy = UUID.randomUUID().toString();
        simulator.stubFor(get(urlPathEqualTo("/v1/customers/" + healthy + "/validationStatus"))
                .willReturn(okJson("{\"status\": \"Allowed\"}")));
        assertThat(portalGet("/api/v1/customers/" + healthy + "/validation-status")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anOutageSeenByManyCustomersOpensTheCircuit() {
        simulator.stubFor(get(urlPathMatching("/v1/customers/[^/]+/validationStatus"))
                .willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 3; i++) {
            assertThat(portalGet("/api/v1/customers/" + UUID.randomUUID() + "/validation-status")
                            .status())
                    .isEqualTo(502);
        }
        // The fourth customer's failure fills the window: the circuit opens under its retry.
        assertThat(portalGet("/api/v1/customers/" + UUID.randomUUID() + "/validation-status")
                        .type())
                .isEqualTo("circuit-open");

        assertThat(circuitBreakers.circuitBreaker("validation-status").getState())
                .isEqualTo(CircuitBreaker.State.OPEN);
        int asked = simulator.getAllServeEvents().size();
        Answer open = portalGet("/api/v1/customers/" + UUID.randomUUID() + "/validation-status");
        assertThat(open.status()).isEqualTo(503);
        assertThat(open.type()).isEqualTo("circuit-open");
        assertThat(open.response().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(simulator.getAllServeEvents()).hasSize(asked);
    }

    @Test
    void answersMarkedNotRetryableNeverOpenTheCircuit() {
        simulator.stubFor(get(urlPathMatching("/v1/customers/[^/]+/validationStatus"))
                .willReturn(error(500, "{\"code\": 600010, \"isRetryable\": false}")));
        for (int i = 0; i < 6; i++) {
            Answer answer = portalGet("/api/v1/customers/" + UUID.randomUUID() + "/validation-status");
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.body().get("retryable").asBoolean()).isFalse();
        }

        assertThat(circuitBreakers.circuitBreaker("validation-status").getState())
                .isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(simulator.getAllServeEvents()).hasSize(6);
    }

    @Test
    void clientErrorsNeverOpenACircuit() {
        simulator.stubFor(
                get(urlPathEqualTo(status)).willReturn(error(400, "{\"code\": \"2000\", \"description\": \"Bad\"}")));
        for (int i = 0; i < 6; i++) {
            assertThat(portalGet("/api/v1/customers/" + customer + "/validation-status")
                            .status())
                    .isEqualTo(400);
        }

        assertThat(circuitBreakers.circuitBreaker("validation-status").getState())
                .isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(attempts(status)).hasSize(6);
    }

    @Test
    void theBulkheadTurnsExcessConcurrentCallsAwayAtOnce() {
        simulator.stubFor(
                get(urlPathEqualTo(qualifications)).willReturn(okJson("[]").withFixedDelay(800)));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/customers/" + customer + "/qualifications"))
                .header("Authorization", "Bearer " + token)
                .build();

        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 5)
                .mapToObj(i -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<Integer> statuses = calls.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(2);
        assertThat(statuses).filteredOn(s -> s == 503).hasSize(3);
        assertThat(attempts(qualifications)).hasSize(2);
    }

    @Test
    void eachAttemptIsCountedOnce() {
        simulator.stubFor(get(CODES).willReturn(okJson("[]")));
        String series =
                "partner_center_upstream_attempts_total{application=\"partner-center-bff\",operation=\"validation-codes\",outcome=\"success\"}";
        double before = metric(series);

        portalGet("/api/v1/gcc-validation-codes");

        assertThat(metric(series)).isEqualTo(before + 1);
    }

    double metric(String series) {
        String metrics = EndToEnd.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus", null)
                .body();
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void operatorsSeeRetriesBreakersBulkheadAndAttemptsInPrometheus() {
        simulator.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
        portalGet("/api/v1/gcc-validation-codes");

        String metrics = EndToEnd.get("http://127.0.0.1:" + managementPort + "/actuator/prometheus", null)
                .body();

        assertThat(metrics)
                .contains(
                        "resilience4j_retry_calls",
                        "resilience4j_circuitbreaker_state",
                        "resilience4j_bulkhead_available_concurrent_calls",
                        "partner_center_upstream_attempts_total{",
                        "operation=\"validation-codes\"",
                        "outcome=\"server-error\"");
    }
}
