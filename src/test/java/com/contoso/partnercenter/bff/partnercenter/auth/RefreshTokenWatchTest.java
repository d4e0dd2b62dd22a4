package com.contoso.partnercenter.bff.partnercenter.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

/** The refresh token's lifetime as an operator sees it: the gauge, the health component, the keep-alive, the WARN lines. */
@ExtendWith(OutputCaptureExtension.class)
class RefreshTokenWatchTest {

    static final String TOKEN_PATH = "/tenant/oauth2/v2.0/token";

    @RegisterExtension
    static WireMockExtension entra = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    RefreshTokenWatch watch(Duration keepAlive, Duration lifetime) {
        var auth = new AuthProperties(
                "tenant",
                "client",
                "secret",
                "configured-refresh-token",
                URI.create(entra.baseUrl() + TOKEN_PATH),
                "https://api.partnercenter.microsoft.com/.default",
                Duration.ofSeconds(5),
                keepAlive,
                lifetime);
        var tokens = new EntraIdTokens(
                auth,
                WebClient.builder().build(),
                EntraIdTokens.registrations(auth),
                new LocalTokenStore(Clock.systemUTC()),
                Clock.systemUTC());
        return new RefreshTokenWatch(tokens, auth, meters, Clock.systemUTC());
    }

    static void rotates() {
        entra.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson("{\"access_token\": \"access\", \"token_type\": \"Bearer\", \"expires_in\": 3599,"
                        + " \"refresh_token\": \"rotated-refresh-token\"}")));
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

    @Test
    void aQuietServiceRedeemsItsTokenWhenItIsDue() throws InterruptedException {
        rotates();
        RefreshTokenWatch watch = watch(Duration.ofMillis(200), Duration.ofDays(90));

        watch.check().block();
        Thread.sleep(300);
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
                .containsEntry("refreshToken", "refused by Entra ID")
                .hasEntrySatisfying(
                        "reason", reason -> assertThat(reason.toString()).contains("AADSTS700082"))
                .hasEntrySatisfying(
                        "action", action -> assertThat(action.toString()).contains("consents again"));
        assertThat(output.getOut().lines().filter(line -> line.contains("Entra ID refused the App+User refresh token")))
                .hasSize(1);
        assertThat(output.getOut()).doesNotContain("configured-refresh-token");
    }

    @Test
    void anExpiryWithinFourteenDaysIsWarnedOnceADay(CapturedOutput output) {
        rotates();
        RefreshTokenWatch watch = watch(Duration.ofDays(1), Duration.ofDays(10));

        watch.check().block();
        watch.check().block();

        assertThat(output.getOut().lines().filter(line -> line.contains("refresh token expires in 9 days")))
                .hasSize(1);
    }
}
