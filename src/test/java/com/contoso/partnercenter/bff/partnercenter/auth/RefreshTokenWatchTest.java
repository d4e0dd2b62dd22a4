package com.contoso.partnercenter.bff.partnercenter.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.TestClock;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The refresh token's lifetime as an operator sees it: the gauge, the health component, the keep-alive, the WARN lines. */
@ExtendWith(OutputCaptureExtension.class)
class RefreshTokenWatchTest {

    static final String TOKEN_PATH = "/tenant/oauth2/v2.0/token";
    static final String VALIDATIONS = "/v1/customers/all/validations";

    @RegisterExtension
    static WireMockExtension entra = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TestClock clock = new TestClock(Instant.now());
    TokenStore store;
    EntraIdTokens tokens;
    ConsentState consent;

    RefreshTokenWatch watch(Duration keepAlive, Duration lifetime) {
        PartnerCenterProperties settings = Fixture.settings(
                "base-url=" + entra.baseUrl(),
                "auth.refresh-token=configured-refresh-token",
                "auth.token-uri=" + entra.baseUrl() + TOKEN_PATH,
                "auth.timeout=5s",
                "auth.keep-alive=" + keepAlive.toMillis() + "ms",
                "auth.refresh-token-lifetime=" + lifetime.toMillis() + "ms",
                "fleet.failover-wait=0s");
        var state = new InMemoryFleetState("refresh-token-watch-test:", clock);
        store = new TokenStore(state, TokenCipher.ofThisReplica(), settings, JsonMapper.shared(), clock);
        var consent = new ConsentState(state, meters, clock);
        tokens = new EntraIdTokens(
                settings,
                WebClient.builder(),
                store,
                consent,
                new ClientAssertions(
                        settings, new StaticListableBeanFactory().getBeanProvider(SslBundles.class), clock),
                clock);
        this.consent = consent;
        var mfa = new MfaSelfCheck(tokens, new MfaCheck(settings, WebClient.builder()), consent, state, clock);
        return new RefreshTokenWatch(tokens, consent, mfa, settings, meters, clock);
    }

    static void rotates() {
        rotates(3599, 0);
    }

    static void rotates(long accessTokenSeconds, int delayMillis) {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson("{\"access_token\": \"access\", \"token_type\": \"Bearer\", \"expires_in\": "
                                + accessTokenSeconds + ", \"refresh_token\": \"rotated-refresh-token\"}")
                        .withFixedDelay(delayMillis)));
    }

    double gauge() {
        return meters.get("partner.center.refresh.token.expiry").gauge().value();
    }

    int redemptions() {
        return entra.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))).size();
    }

    @Test
    void aTokenOfUnknownAgeIsRedeemedAtOnceThenNotUntilItIsDue() {
        rotates();
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));
        assertThat(gauge()).isNaN();
        assertThat(watch.health().getDetails()).containsEntry("refreshToken", "the configured one, not redeemed yet");

        watch.check().block();
        watch.check().block();

        assertThat(redemptions()).isEqualTo(1);
        entra.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=configured-refresh-token")));
        assertThat(gauge())
                .isBetween((double) Duration.ofDays(90).minusMinutes(1).toSeconds(), (double)
                        Duration.ofDays(90).toSeconds());
        assertThat(watch.health().getStatus()).isEqualTo(Status.UP);
        assertThat(watch.health().getDetails()).containsKey("refreshTokenExpiresAt");
    }

    private void partnerCenterSaysTheSignIn(String compliant) {
        entra.stubFor(get(urlPathEqualTo(VALIDATIONS))
                .withHeader("ValidateMfa", equalTo("true"))
                .willReturn(okJson("[]").withHeader("isMfaCompliant", compliant)));
    }

    private int mfaChecks() {
        return entra.findAll(getRequestedFor(urlPathEqualTo(VALIDATIONS))
                        .withHeader("ValidateMfa", equalTo("true"))
                        .withHeader("Authorization", equalTo("Bearer access")))
                .size();
    }

    @Test
    void onceADayTheWatchAsksPartnerCenterWhetherTheSignInHadMfaAndANoStartsTheConsentStateBeforeAnyPortalIsRefused() {
        rotates();
        partnerCenterSaysTheSignIn("true");
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));

        watch.check().block(); // the fleet's first day starts: a service just started sends nothing
        assertThat(mfaChecks()).isZero();
        clock.advance(Duration.ofDays(1));
        watch.check().block();
        watch.check().block(); // once a day
        assertThat(mfaChecks()).isEqualTo(1);
        assertThat(watch.health().getStatus()).isEqualTo(Status.UP);

        partnerCenterSaysTheSignIn("false");
        clock.advance(Duration.ofDays(1));
        watch.check().block();

        assertThat(mfaChecks()).isEqualTo(2);
        assertThat(watch.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watch.health().getDetails()).containsEntry("reason", "mfa-required");
        assertThat(meters.get("partner.center.consent.required")
                        .tag("reason", "mfa-required")
                        .gauge()
                        .value())
                .isOne();

        // The next day's yes (the consent renewed with MFA meanwhile) ends what the check started.
        partnerCenterSaysTheSignIn("true");
        clock.advance(Duration.ofDays(1));
        watch.check().block();
        assertThat(mfaChecks()).isEqualTo(3);
        assertThat(watch.health().getStatus()).isEqualTo(Status.UP);
        assertThat(consent.current()).isNull();
    }

    @Test
    void aQuietServiceRedeemsItsTokenWhenItIsDue() {
        rotates();
        RefreshTokenWatch watch = watch(Duration.ofMillis(200), Duration.ofDays(90));

        watch.check().block();
        clock.advance(Duration.ofMillis(300));
        watch.check().block();

        assertThat(redemptions()).isEqualTo(2);
        entra.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=rotated-refresh-token")));
    }

    @Test
    void aRefusedTokenIsZeroDownAndSaidOnce(CapturedOutput output) {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"AADSTS700082: The refresh"
                                + " token has expired due to inactivity.\"}")));
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));

        watch.check().block();
        watch.check().block();

        assertThat(gauge()).isZero();
        assertThat(watch.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watch.health().getDetails())
                .containsEntry("reason", "refresh-token-expired")
                .containsEntry("upstreamErrorCode", "AADSTS700082")
                .hasEntrySatisfying(
                        "action", action -> assertThat(action.toString()).contains("consents again"));
        assertThat(output.getOut().lines().filter(line -> line.contains("must renew the service's consent")))
                .hasSize(1);
        assertThat(output.getOut()).doesNotContain("configured-refresh-token");
    }

    @Test
    void anExpiryWithinFourteenDaysIsWarnedOnceADay(CapturedOutput output) {
        rotates();
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(10));

        watch.check().block();
        watch.check().block();

        assertThat(output.getOut().lines().filter(line -> line.contains("refresh token expires in 10 days")))
                .hasSize(1);
    }

    /** A look every hour and a keep-alive of a day: a token due before the next look is redeemed at this one. */
    @Test
    void aTokenDueBeforeTheNextLookIsRedeemedAtThisOne() {
        rotates(Duration.ofDays(3).toSeconds(), 0); // the access token outlives the test: only the keep-alive asks
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));
        watch.check().block();
        assertThat(redemptions()).isEqualTo(1);

        clock.advance(Duration.ofHours(22));
        watch.check().block();
        assertThat(redemptions()).as("22 h after: not due before the next look").isEqualTo(1);

        clock.advance(Duration.ofMinutes(90));
        watch.check().block();
        assertThat(redemptions())
                .as("23.5 h after: due before the next look, at 24.5 h")
                .isEqualTo(2);
    }

    /** The keep-alive is the replica's one token request like any other: one refresh token is never redeemed twice. */
    @Test
    void aKeepAliveAndACallThatNeedATokenAtOnceRedeemTheRefreshTokenOnce() {
        rotates(3599, 400);
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));

        var call = tokens.token(Operation.Grant.APP_USER).toFuture();
        watch.check().block();

        assertThat(call.join().getAccessToken().getTokenValue()).isEqualTo("access");
        assertThat(redemptions()).isEqualTo(1);
    }

    /**
     * Partner Center refuses a token (a 401) after another request renewed it: the refusal expires that old token
     * only, and the refresh token that came with the new one stays.
     */
    @Test
    void aRefusalOfAnOldTokenLeavesTheNewerOneAndItsRefreshToken() throws Exception {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=configured-refresh-token"))
                .willReturn(okJson("{\"access_token\": \"access-1\", \"token_type\": \"Bearer\","
                        + " \"expires_in\": 3599, \"refresh_token\": \"refresh-1\"}")));
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=refresh-1"))
                .willReturn(okJson("{\"access_token\": \"access-2\", \"token_type\": \"Bearer\","
                        + " \"expires_in\": 3599, \"refresh_token\": \"refresh-2\"}")));
        entra.stubFor(get(urlPathEqualTo("/refuses-slowly"))
                .willReturn(aResponse().withStatus(401).withFixedDelay(800)));
        watch(Duration.ofDays(1), Duration.ofDays(90));
        WebClient partnerCenter = WebClient.builder().filter(tokens.filter()).build();

        var refused = partnerCenter
                .get()
                .uri(entra.baseUrl() + "/refuses-slowly")
                .attribute(EntraIdTokens.OPERATION_ATTRIBUTE, Operation.VALIDATION_STATUS)
                .exchangeToMono(response -> Mono.just(response.statusCode().value()))
                .toFuture();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !entra.findAll(getRequestedFor(urlPathEqualTo("/refuses-slowly")))
                        .isEmpty());
        clock.advance(Duration.ofMinutes(1)); // past the refresh token's issue time, which Spring takes from the system
        tokens.keepAlive(Duration.ZERO).block(); // renews while the old token's call is out
        assertThat(refused.get(5, TimeUnit.SECONDS)).isEqualTo(401);

        OAuth2AuthorizedClient held = store.held(Operation.Grant.APP_USER.registrationId());
        assertThat(held.getRefreshToken().getTokenValue()).isEqualTo("refresh-2");
        assertThat(held.getAccessToken().getTokenValue()).isEqualTo("access-2");
    }

    /** An expired client secret is not an expired refresh token: the operator is told what to do about it. */
    @Test
    void aRefusedClientIsNotARefusedRefreshToken(CapturedOutput output) {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"invalid_client\", \"error_description\": \"AADSTS7000222: The"
                                + " provided client secret keys for app 'client' are expired.\"}")));
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(90));

        watch.check().block();

        assertThat(gauge())
                .as("the refresh token's age is still unknown, not zero")
                .isNaN();
        assertThat(watch.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watch.health().getDetails())
                .containsEntry("client", "refused by Entra ID")
                .doesNotContainKey("refreshToken")
                .hasEntrySatisfying(
                        "action", action -> assertThat(action.toString()).contains("client-secret"));
        assertThat(output.getOut()).contains("Entra ID refused the service's token request (invalid_client");
        assertThat(output.getOut()).doesNotContain("consents again");
    }
}
