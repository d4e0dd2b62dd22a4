package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Partner Center down, portals still working: once an answer has gone stale (a 1 s TTL here), an outage is
 * answered with the last answer Partner Center gave, said to be stale; purchase eligibility fails closed.
 */
// An outage's retries waited quickly: what the portal is answered is what counts here.
@TestPropertySource(
        properties = {"partner-center.cache.ttl=1s", "resilience4j.retry.configs.default.wait-duration=20ms"})
class StaleIfErrorTest extends EndToEndTest {

    static final String STALE = "partner-center-bff; hit; ttl=-\\d+; detail=stale-if-error";
    static final String OUTAGE = """
            {"code": 503, "description": "Service unavailable", "isRetryable": true}""";

    @LocalManagementPort
    int managementPort;

    String token;
    final List<StubMapping> stubs = new ArrayList<>();

    @BeforeEach
    void portal() {
        token = EndToEnd.readerToken(issuer);
    }

    @AfterEach
    void partnerCenterRecovers() {
        stubs.forEach(simulator::removeStub);
    }

    RawHttp.Answer read(String path) {
        return RawHttp.get(port, path, "Authorization", "Bearer " + token);
    }

    RawHttp.Answer post(String path, String json, String scopes) {
        String writer = EndToEnd.token(issuer, List.of(LocalTokenIssuer.AUDIENCE), Map.of("scp", scopes), 3600);
        return RawHttp.send(
                port,
                "POST",
                path,
                json.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + writer,
                "Content-Type",
                "application/json");
    }

    /** Partner Center's answers about a customer of this test's own, over the simulator's (the newest stub wins). */
    void partnerCenterKnows(String customer, String status) {
        String base = "/v1/customers/" + customer;
        stub(get(urlPathEqualTo(base + "/validationStatus"))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"" + status
                        + "\", \"lastUpdateDateTime\": \"2026-11-30T08:00:00Z\"}")));
        stub(get(urlPathEqualTo(base + "/qualifications"))
                .willReturn(okJson("[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]")));
        stub(get(urlPathEqualTo(base + "/qualification")).willReturn(okJson("{\"qualification\": \"education\"}")));
    }

    /** Every call whose path matches fails as in an outage: 503, isRetryable. */
    void outage(String pathRegex) {
        stub(any(urlPathMatching(pathRegex))
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody(OUTAGE)));
    }

    void stub(com.github.tomakehurst.wiremock.client.MappingBuilder mapping) {
        stubs.add(simulator.stubFor(mapping.atPriority(1)));
    }

    // The service's clock moved on past the 1 s TTL: every answer kept is stale now.
    void pastTheTtl() {
        clock.advance(Duration.ofMillis(1_200));
    }

    static int asked(String path) {
        return simulator.findAll(anyRequestedFor(urlPathEqualTo(path))).size();
    }

    static void assertStale(RawHttp.Answer stale, RawHttp.Answer fresh) {
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.json()).isEqualTo(fresh.json());
        assertThat(stale.header("Cache-Status")).matches(STALE);
        assertThat(Long.parseLong(stale.header("Age"))).isGreaterThanOrEqualTo(1);
        assertThat(stale.header("Cache-Control")).contains("private", "max-age=0");
        assertThat(stale.header("ETag")).isEqualTo(fresh.header("ETag"));
    }

    @Test
    void everyReadAnswersItsLastKnownAnswerDuringAnOutage() {
        String customer = UUID.randomUUID().toString();
        partnerCenterKnows(customer, "UnderReview");
        List<String> paths = List.of(
                "/api/v1/gcc-validation-codes",
                "/api/v1/customers/" + customer + "/qualifications",
                "/api/v1/customers/" + customer + "/qualification",
                "/api/v1/customers/" + customer + "/validation-status?type=account",
                "/api/v1/customers/" + customer + "/purchase-eligibility");
        Map<String, RawHttp.Answer> fresh = new LinkedHashMap<>();
        paths.forEach(path -> fresh.put(path, read(path)));
        assertThat(fresh.values())
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(200));
        assertThat(fresh.values())
                .allSatisfy(answer -> assertThat(answer.header("Age")).isNull());
        pastTheTtl();
        outage("/v1/customers/(all|" + customer + ")/.*");

        fresh.forEach((path, first) -> assertStale(read(path), first));

        String metrics = RawHttp.get(managementPort, "/actuator/prometheus").body();
        assertThat(metrics)
                .containsPattern("partner_center_stale_answers_total\\{[^}]*operation=\"validation-status\"");
    }

    @Test
    void aCustomersOwnProblemFromPartnerCenterIsNeverReplaced() {
        String customer = UUID.randomUUID().toString();
        partnerCenterKnows(customer, "Allowed");
        String path = "/api/v1/customers/" + customer + "/qualifications";
        assertThat(read(path).status()).isEqualTo(200);
        pastTheTtl();
        stub(get(urlPathEqualTo("/v1/customers/" + customer + "/qualifications"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\": 20002, \"description\": \"No relationship\"}")));

        RawHttp.Answer refused = read(path);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("type").asString()).endsWith("no-relationship");
        assertThat(refused.header("Age")).isNull();
    }

    @Test
    void purchaseEligibilityFailsClosedOnALastKnownStatus() {
        String blocked = UUID.randomUUID().toString();
        String allowed = UUID.randomUUID().toString();
        partnerCenterKnows(blocked, "UnderReview");
        partnerCenterKnows(allowed, "Allowed");
        RawHttp.Answer blockedFresh = read("/api/v1/customers/" + blocked + "/purchase-eligibility");
        assertThat(read("/api/v1/customers/" + allowed + "/purchase-eligibility")
                        .json()
                        .path("eligible")
                        .asBoolean())
                .isTrue();
        pastTheTtl();
        outage("/v1/customers/(" + blocked + "|" + allowed + ")/.*");

        assertStale(read("/api/v1/customers/" + blocked + "/purchase-eligibility"), blockedFresh);
        RawHttp.Answer notAGuess = read("/api/v1/customers/" + allowed + "/purchase-eligibility");
        assertThat(notAGuess.status()).isEqualTo(502);
        assertThat(notAGuess.json().path("retryable").asBoolean()).isTrue();
        assertThat(notAGuess.header("Age")).isNull();

        RawHttp.Answer batch = post(
                "/api/v1/purchase-eligibility/batch",
                "{\"customerIds\": [\"" + allowed + "\", \"" + blocked + "\"]}",
                "partner-center.read");
        assertThat(batch.status()).isEqualTo(200);
        assertThat(batch.json().path("items").get(0).path("status").asInt()).isEqualTo(502);
        assertThat(batch.json().path("items").get(0).has("eligible")).isFalse();
        assertThat(batch.json().path("items").get(1)).isEqualTo(blockedFresh.json());
        // The allowed customer's status is still there for a portal that reads the status itself.
        assertThat(read("/api/v1/customers/" + allowed + "/validation-status").header("Cache-Status"))
                .matches(STALE);
    }

    @Test
    void anUpdateDropsTheCustomersLastKnownAnswers() {
        String customer = UUID.randomUUID().toString(); // the simulator's: no qualifications, and it keeps updates
        String path = "/api/v1/customers/" + customer + "/qualifications";
        assertThat(read(path).json().path("items").size()).isZero();
        assertThat(post(path, "{\"qualification\": \"Education\"}", "partner-center.read partner-center.write")
                        .status())
                .isEqualTo(201);
        pastTheTtl();
        outage("/v1/customers/" + customer + "/.*");

        RawHttp.Answer answer = read(path);

        assertThat(answer.status())
                .as("the answer from before the update is gone")
                .isEqualTo(502);
    }

    @Test
    void aClosedThrottleGateIsAnsweredAtOnceFromTheLastKnownAnswer() {
        String customer = UUID.randomUUID().toString();
        partnerCenterKnows(customer, "UnderReview");
        String path = "/api/v1/customers/" + customer + "/validation-status";
        RawHttp.Answer fresh = read(path);
        pastTheTtl();
        stub(get(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));

        assertStale(read(path), fresh);
        int asked = asked("/v1/customers/" + customer + "/validationStatus");
        assertStale(read(path), fresh);

        assertThat(asked("/v1/customers/" + customer + "/validationStatus"))
                .as("the gate is closed: answered without asking Partner Center")
                .isEqualTo(asked);
    }

    /** An operator who trusts a last-known "allowed" more than a blocked purchase, and gives batches 2 s. */
    @Nested
    @TestPropertySource(
            properties = {"partner-center.eligibility.stale-allowed=true", "partner-center.batch.deadline=2s"})
    class StaleAllowed {

        @Test
        void aBatchWhoseDeadlinePassesAnswersTheLastKnownDecisionAsASingleRequestWould() {
            String slow = UUID.randomUUID().toString();
            partnerCenterKnows(slow, "UnderReview");
            RawHttp.Answer fresh = read("/api/v1/customers/" + slow + "/purchase-eligibility");
            pastTheTtl();
            stub(get(urlPathEqualTo("/v1/customers/" + slow + "/validationStatus"))
                    .willReturn(okJson("{}").withFixedDelay(6_000)));

            RawHttp.Answer batch = post(
                    "/api/v1/purchase-eligibility/batch",
                    "{\"customerIds\": [\"" + slow + "\"]}",
                    "partner-center.read");

            assertThat(batch.json().path("items").get(0)).isEqualTo(fresh.json());
        }

        @Test
        void aLastKnownAllowedStatusIsAnswered() {
            String allowed = UUID.randomUUID().toString();
            partnerCenterKnows(allowed, "Allowed");
            RawHttp.Answer fresh = read("/api/v1/customers/" + allowed + "/purchase-eligibility");
            pastTheTtl();
            outage("/v1/customers/" + allowed + "/.*");

            assertStale(read("/api/v1/customers/" + allowed + "/purchase-eligibility"), fresh);
        }
    }
}
