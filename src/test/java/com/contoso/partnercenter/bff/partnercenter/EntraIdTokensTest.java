package com.contoso.partnercenter.bff.partnercenter;

import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.CUSTOMER;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.TOKEN_PATH;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

/** The App+User refresh token lifecycle and token endpoint failures, against a real HTTP server. */
class EntraIdTokensTest {

    static final String STATUS_PATH = "/v1/customers/" + CUSTOMER + "/validationStatus";

    @RegisterExtension
    static WireMockExtension wireMock = ModuleUnderTest.upstream();

    @RegisterExtension
    final ModuleUnderTest.Started modules = new ModuleUnderTest.Started(wireMock);

    // A fresh module per test: its token cache starts empty, with the configured refresh token.
    PartnerCenter partnerCenter;

    @BeforeEach
    void setUp() {
        // Generous: the first token request of a cold JVM on a busy machine takes seconds.
        partnerCenter = modules.start(
                        wireMock.baseUrl(), "partner-center.deadline=8s", "partner-center.auth.timeout=5s")
                .partnerCenter();
        wireMock.stubFor(get(urlPathEqualTo(STATUS_PATH))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}")));
    }

    @Test
    void anExpiredAppUserTokenIsRefreshedWithTheRotatedRefreshToken() {
        // Entra ID rotates the refresh token on every exchange; the first access token is already inside
        // the one-minute refresh margin, so the second call must refresh again, with the new refresh token.
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=refresh-token-0"))
                .willReturn(okJson(token("user-token-1", "refresh-token-1", 30))));
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("refresh_token=refresh-token-1"))
                .willReturn(okJson(token("user-token-2", "refresh-token-2", 3599))));

        for (int i = 0; i < 3; i++) {
            assertThat(partnerCenter.validationStatus(CUSTOMER).value().status())
                    .isEqualTo("Allowed");
        }

        List<String> refreshTokensSent = wireMock.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> body.replaceAll(".*refresh_token=([^&]+).*", "$1"))
                .toList();
        assertThat(refreshTokensSent).containsExactly("refresh-token-0", "refresh-token-1");
        List<String> bearers = wireMock.findAll(getRequestedFor(urlPathEqualTo(STATUS_PATH))).stream()
                .map(request -> request.getHeader("Authorization"))
                .toList();
        assertThat(bearers).containsExactly("Bearer user-token-1", "Bearer user-token-2", "Bearer user-token-2");
    }

    @Test
    void aRejectedRefreshTokenIsABadGatewayThatSaysSoWithoutLeakingIt() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"error\": \"invalid_grant\", \"error_description\": \"AADSTS700082: The refresh token"
                                        + " has expired due to inactivity.\"}")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    // A consent that needs a person, told as such (ConsentTest has the whole story).
                    assertThat(e.type()).isEqualTo("upstream-credentials");
                    assertThat(e.upstreamErrorCode()).isEqualTo("AADSTS700082");
                    assertThat(e.getMessage())
                            .contains("App+User", "refresh token has expired")
                            .doesNotContain("refresh-token-0");
                    // Only a new consent helps: neither the service nor the portal should ask again.
                    assertThat(e.retryable()).isFalse();
                });
        wireMock.verify(0, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
        wireMock.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }

    @Test
    void aTokenEndpointThatDoesNotAnswerIsAskedAgainEachTimeCutAtTheTokenTimeoutWithinTheDeadline() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(okJson(token("late", null, 3599)).withFixedDelay(4_000)));
        PartnerCenter partnerCenter = modules.start(
                        wireMock.baseUrl(), "partner-center.deadline=5s", "partner-center.auth.timeout=1s")
                .partnerCenter();
        long started = System.nanoTime();

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.type()).isEqualTo("token-unavailable");
                    assertThat(e.getMessage()).contains("App-only");
                    assertThat(e.retryable()).isTrue();
                });
        // Three attempts of one second each, and their backoff: well within the five-second deadline.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(4_500));
        wireMock.verify(3, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }
}
