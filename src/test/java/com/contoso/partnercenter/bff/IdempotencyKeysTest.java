package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A portal whose update timed out, or whose answer it never got, sends it again with the same Idempotency-Key:
 * Partner Center gets the update once, and the portal the answer the first request got.
 */
@TestPropertySource(
        properties = {"partner-center.deadline=2s", "resilience4j.timelimiter.configs.default.timeout-duration=1s"})
class IdempotencyKeysTest extends EndToEndTest {

    static final String EDUCATION = "{\"qualification\": \"Education\", \"educationSegment\": \"K12\"}";
    static final String CREATED = """
            {"qualification": "Education", "vettingStatus": "InReview", "vettingCreateDate": "2026-12-03T08:00:00Z"}""";

    String customer;
    String path;

    @BeforeEach
    void aCustomerOfItsOwn() {
        Fixture.resetSimulator();
        customer = UUID.randomUUID().toString();
        path = "/v1/customers/" + customer + "/qualifications";
    }

    // A portal's token as Entra ID issues it: its client id in azp.
    static String portal(String clientId) {
        return issuer.issueToken(
                        LocalTokenIssuer.PORTAL_ISSUER,
                        clientId,
                        new DefaultOAuth2TokenCallback(
                                LocalTokenIssuer.PORTAL_ISSUER,
                                "portal-user",
                                "JWT",
                                List.of(LocalTokenIssuer.AUDIENCE),
                                Map.of("scp", "partner-center.read partner-center.write", "azp", clientId),
                                3600))
                .serialize();
    }

    RawHttp.Answer update(String token, String key, String body) {
        return RawHttp.send(
                port,
                "POST",
                "/api/v1/customers/" + customer + "/qualifications",
                body.getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + token,
                "Content-Type",
                "application/json",
                "Idempotency-Key",
                key);
    }

    List<LoggedRequest> updatesSent() {
        return simulator.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aRepeatGetsTheFirstAnswerWithoutASecondUpdate() {
        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();

        RawHttp.Answer first = update(token, key, EDUCATION);
        RawHttp.Answer again = update(token, key, EDUCATION);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(updatesSent()).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();
        update(token, key, EDUCATION);

        RawHttp.Answer other =
                update(token, key, "{\"qualification\": \"Education\", \"educationSegment\": \"Higher\"}");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("type").asString()).endsWith(":idempotency-key-reused");
        assertThat(other.header("Content-Type")).startsWith("application/problem+json");
        assertThat(updatesSent()).hasSize(1);
    }

    @Test
    void aRepeatWhileTheFirstIsInFlightIs409WithRetryAfter() throws Exception {
        simulator.stubFor(post(urlPathEqualTo(path))
                .willReturn(okJson(CREATED).withStatus(201).withFixedDelay(700)));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();

        CompletableFuture<RawHttp.Answer> first = CompletableFuture.supplyAsync(() -> update(token, key, EDUCATION));
        await().atMost(Duration.ofSeconds(5)).until(() -> !updatesSent().isEmpty()); // Partner Center has it now
        RawHttp.Answer meanwhile = update(token, key, EDUCATION);

        assertThat(meanwhile.status()).isEqualTo(409);
        assertThat(meanwhile.json().path("type").asString()).endsWith(":idempotency-key-in-flight");
        assertThat(meanwhile.json().path("retryable").asBoolean()).isTrue();
        assertThat(Long.parseLong(meanwhile.header("Retry-After"))).isBetween(1L, 8L);
        assertThat(first.get().status()).isEqualTo(201);
        assertThat(update(token, key, EDUCATION).header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(updatesSent()).hasSize(1);
    }

    @Test
    void afterATimeoutARepeatFindsTheUpdateAtPartnerCenterInsteadOfSendingItTwice() {
        simulator.stubFor(post(urlPathEqualTo(path))
                .willReturn(okJson(CREATED).withStatus(201).withFixedDelay(3_000)));
        simulator.stubFor(get(urlPathEqualTo(path)).willReturn(okJson("{\"items\": []}")));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();

        RawHttp.Answer timedOut = update(token, key, EDUCATION);

        assertThat(timedOut.status()).isIn(502, 504);
        assertThat(timedOut.json().path("retryable").asBoolean()).isTrue();
        assertThat(timedOut.json().path("detail").asString()).contains("same Idempotency-Key");

        // Partner Center applied it after all.
        simulator.stubFor(get(urlPathEqualTo(path)).willReturn(okJson("{\"items\": [" + CREATED + "]}")));
        RawHttp.Answer again = update(token, key, EDUCATION);

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("qualification").asString()).isEqualTo("Education");
        assertThat(updatesSent()).hasSize(1);
        assertThat(update(token, key, EDUCATION).body()).as("kept from then on").isEqualTo(again.body());
        assertThat(updatesSent()).hasSize(1);
    }

    @Test
    void afterATimeoutWithNothingAppliedTheRepeatSendsItAgainWithTheSameRequestId() {
        simulator.stubFor(post(urlPathEqualTo(path))
                .willReturn(okJson(CREATED).withStatus(201).withFixedDelay(3_000)));
        simulator.stubFor(get(urlPathEqualTo(path)).willReturn(okJson("{\"items\": []}")));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();
        update(token, key, EDUCATION);

        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        RawHttp.Answer again = update(token, key, EDUCATION);

        assertThat(again.status()).isEqualTo(201);
        List<LoggedRequest> sent = updatesSent();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).getHeader("MS-RequestId"))
                .isNotBlank()
                .isEqualTo(sent.get(0).getHeader("MS-RequestId"));
    }

    @Test
    void partnerCentersRefusalIsReplayedToo() {
        simulator.stubFor(post(urlPathEqualTo(path))
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\": 600041, \"errorName\": \"QualificationExists\", \"message\": \"exists\","
                                + " \"isRetryable\": false}")));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();

        RawHttp.Answer first = update(token, key, EDUCATION);
        RawHttp.Answer again = update(token, key, EDUCATION);

        assertThat(first.status()).isEqualTo(409);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().path("upstreamErrorName").asString()).isEqualTo("QualificationExists");
        assertThat(updatesSent()).hasSize(1);
    }

    @Test
    void keysArePerPortal() {
        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        String key = UUID.randomUUID().toString();

        update(portal("portal-a"), key, EDUCATION);
        RawHttp.Answer otherPortal = update(portal("portal-b"), key, EDUCATION);

        assertThat(otherPortal.status()).isEqualTo(201);
        assertThat(otherPortal.header("Idempotent-Replayed")).isNull();
        assertThat(updatesSent()).hasSize(2);
    }

    @Test
    void aKeyThatIsNoKeyIsA400AndNothingIsSent() {
        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        String token = portal("portal-a");

        RawHttp.Answer tooLong = update(token, "k".repeat(256), EDUCATION);
        RawHttp.Answer notAscii = update(token, "clé", EDUCATION);

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("detail").asString()).contains("Idempotency-Key");
        assertThat(notAscii.status()).isEqualTo(400);
        assertThat(updatesSent()).isEmpty();
        assertThat(update(token, "k".repeat(255), EDUCATION).status()).isEqualTo(201);
    }

    @Test
    void aThrottledUpdateFreesItsKey() throws InterruptedException {
        simulator.stubFor(post(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        String token = portal("portal-a");
        String key = UUID.randomUUID().toString();

        assertThat(update(token, key, EDUCATION).status()).isEqualTo(503);
        Fixture.resetSimulator();
        simulator.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(CREATED).withStatus(201)));
        clock.advance(Duration.ofMillis(1_200)); // the throttle gate Partner Center's 429 closed opens again
        RawHttp.Answer later = update(token, key, EDUCATION);

        assertThat(later.status())
                .as("Partner Center did not take it: the key is free")
                .isEqualTo(201);
        assertThat(later.header("Idempotent-Replayed")).isNull();
        assertThat(updatesSent()).hasSize(1);
    }
}
