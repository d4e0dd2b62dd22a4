package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A consent that needs a person, as a portal and an operator see it: Partner Center's MFA enforcement (401
 * 900421, the simulator's MFA switch) and Entra ID refusing the refresh token (MFA required or expired, the token
 * expired, the consent revoked). Entra ID is scripted on the simulator's WireMock, so each cause can be said; each
 * test starts a fresh service, since a refused refresh token is gone for good in the one that saw it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@ExtendWith(OutputCaptureExtension.class)
class ConsentTest {

    static final WireMockServer simulator = Fixture.simulator();
    static final MockOAuth2Server issuer = Fixture.issuer();

    static final String TOKEN_PATH = "/test-tenant/oauth2/v2.0/token";
    static final String STARTS = "must renew the service's consent";
    static final String ENDS = "consent works again";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    final List<StubMapping> stubs = new ArrayList<>();

    // The fixture's service, with Entra ID scripted on the simulator instead of the issuer.
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Fixture.serviceProperties(simulator.baseUrl(), issuer, LocalTokenIssuer.consent(issuer))
                .forEach((name, value) -> registry.add(name, () -> value));
        registry.add("partner-center.auth.token-uri", () -> simulator.baseUrl() + TOKEN_PATH);
        registry.add("management.server.port", () -> "0");
    }

    @BeforeEach
    void entraIdGivesTokens() {
        // Access tokens shorter than the service's one-minute margin: every App+User call redeems the refresh token.
        entraId(okJson("""
                {"access_token": "access", "token_type": "Bearer", "expires_in": 30, "refresh_token": "rotated"}"""));
    }

    @AfterEach
    void reset() {
        stubs.forEach(simulator::removeStub);
        simulator.resetScenarios();
        simulator.resetRequests();
    }

    void entraId(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        stubs.add(
                simulator.stubFor(post(urlPathEqualTo(TOKEN_PATH)).atPriority(1).willReturn(answer)));
    }

    void entraIdRefusesTheRefreshToken(String error, String description) {
        stubs.add(simulator.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .atPriority(0)
                .withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody(JsonMapper.shared()
                                .createObjectNode()
                                .put("error", error)
                                .put("error_description", description + " Trace ID: 0b2f. Timestamp: 2026-12-04")
                                .toString()))));
    }

    RawHttp.Answer read(String customer, String what) {
        return RawHttp.get(
                port,
                "/api/v1/customers/" + customer + "/" + what,
                "Authorization",
                "Bearer " + EndToEnd.readerToken(issuer));
    }

    JsonNode credentials() {
        return JsonMapper.shared()
                .readTree(RawHttp.get(managementPort, "/actuator/health").body())
                .path("components")
                .path("partnerCenterCredentials");
    }

    String metrics() {
        return RawHttp.get(managementPort, "/actuator/prometheus").body();
    }

    static long lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).count();
    }

    static void aPersonMustRenewTheConsent(RawHttp.Answer answer, String code, String cause) {
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).as("Entra ID's own words stay in the log").doesNotContain("Trace ID");
        JsonNode problem = JsonMapper.shared().readTree(answer.body());
        assertThat(problem.path("type").asString()).endsWith(":upstream-credentials");
        assertThat(problem.path("retryable").asBoolean(true)).isFalse();
        assertThat(problem.path("upstreamErrorCode").asString()).isEqualTo(code);
        assertThat(problem.path("detail").asString())
                .contains(cause, "renew the service's consent", "App-only operations are unaffected");
    }

    @Test
    void partnerCenterEnforcingMfaIsToldPlainlyAndEndsWithTheNextAcceptedCall(CapturedOutput output) {
        simulator.setScenarioState(PartnerCenterSimulator.MFA, PartnerCenterSimulator.MFA_ENFORCED);

        RawHttp.Answer first = read(PartnerCenterSimulator.ALLOWED, "validation-status");
        aPersonMustRenewTheConsent(first, "900421", "multi-factor authentication");
        String seenBy =
                JsonMapper.shared().readTree(first.body()).path("correlationId").asString();
        simulator.verify(
                1,
                getRequestedFor(
                        urlPathEqualTo("/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validationStatus")));
        assertThat(read(PartnerCenterSimulator.ALLOWED, "qualifications").status())
                .as("App-only goes on")
                .isEqualTo(200);
        for (int i = 0; i < 12; i++) { // more customers than the breaker needs to open on real failures
            assertThat(read(UUID.randomUUID().toString(), "validation-status").status())
                    .isEqualTo(502);
        }

        JsonNode credentials = credentials();
        assertThat(credentials.path("status").asString()).isEqualTo("DOWN");
        assertThat(credentials.path("details").path("reason").asString()).isEqualTo("mfa-required");
        assertThat(credentials.path("details").path("action").asString()).contains("multi-factor", "refresh-token");
        assertThat(RawHttp.get(managementPort, "/actuator/health/readiness").body())
                .contains("\"UP\"");
        assertThat(metrics())
                .containsPattern("partner_center_consent_required\\{[^}]*reason=\"mfa-required\"} 1")
                .containsPattern(
                        "resilience4j_circuitbreaker_state\\{[^}]*name=\"validation-status\",state=\"closed\"} 1");
        assertThat(lines(output, STARTS)).as("one line when it starts").isEqualTo(1);
        assertThat(output.getOut().lines().filter(line -> line.contains(STARTS)))
                .as("naming the request that saw it")
                .singleElement()
                .asString()
                .contains(seenBy);

        simulator.resetScenarios(); // a partner admin consented again, with MFA

        assertThat(read(PartnerCenterSimulator.ALLOWED, "validation-status").status())
                .isEqualTo(200);
        assertThat(credentials().path("status").asString()).isEqualTo("UP");
        assertThat(metrics())
                .containsPattern("partner_center_consent_required\\{[^}]*reason=\"none\"} 0")
                .doesNotContain("reason=\"mfa-required\"");
        assertThat(lines(output, ENDS)).as("one line when it ends").isEqualTo(1);
        assertThat(lines(output, STARTS)).isEqualTo(1);
    }

    /**
     * A token Partner Center refuses for want of MFA is kept: a new one from the same refresh token would carry the
     * same sign-in, and redeeming it on every call would only load Entra ID (which takes a client asking that often
     * for one in a loop).
     */
    @Test
    void anMfaRefusalDoesNotRedeemTheRefreshTokenOnEveryCall() {
        stubs.add(
                simulator.stubFor(post(urlPathEqualTo(TOKEN_PATH)).atPriority(0).willReturn(okJson("""
                {"access_token": "access", "token_type": "Bearer", "expires_in": 3599, "refresh_token": "rotated"}"""))));
        simulator.setScenarioState(PartnerCenterSimulator.MFA, PartnerCenterSimulator.MFA_ENFORCED);

        for (int i = 0; i < 5; i++) {
            assertThat(read(UUID.randomUUID().toString(), "validation-status").status())
                    .isEqualTo(502);
        }

        simulator.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withRequestBody(containing("refresh_token")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "interaction_required | AADSTS50076: Due to a configuration change made by your administrator you must"
                        + " use multi-factor authentication. | mfa-required | AADSTS50076 | multi-factor authentication",
                "invalid_grant | AADSTS50078: Presented multi-factor authentication has expired due to policies"
                        + " configured by your administrator. | mfa-required | AADSTS50078 | multi-factor authentication",
                "invalid_grant | AADSTS700082: The refresh token has expired due to inactivity. | refresh-token-expired"
                        + " | AADSTS700082 | refresh token has expired",
                "invalid_grant | AADSTS50173: The provided grant has expired due to it being revoked. | consent-revoked"
                        + " | AADSTS50173 | consent was revoked"
            })
    void entraIdRefusingTheRefreshTokenIsToldByItsCause(
            String error, String description, String reason, String code, String cause, CapturedOutput output) {
        entraIdRefusesTheRefreshToken(error, description);

        aPersonMustRenewTheConsent(read(PartnerCenterSimulator.ALLOWED, "validation-status"), code, cause);
        aPersonMustRenewTheConsent(read(PartnerCenterSimulator.UNDER_REVIEW, "validation-status"), code, cause);
        assertThat(read(PartnerCenterSimulator.ALLOWED, "qualifications").status())
                .as("App-only goes on")
                .isEqualTo(200);

        JsonNode credentials = credentials();
        assertThat(credentials.path("status").asString()).isEqualTo("DOWN");
        assertThat(credentials.path("details").path("reason").asString()).isEqualTo(reason);
        assertThat(credentials.path("details").path("upstreamErrorCode").asString())
                .isEqualTo(code);
        assertThat(metrics()).containsPattern("partner_center_consent_required\\{[^}]*reason=\"" + reason + "\"} 1");
        assertThat(lines(output, STARTS)).isEqualTo(1);
        simulator.verify(
                0,
                getRequestedFor(
                        urlPathEqualTo("/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validationStatus")));

        if (error.equals("interaction_required")) {
            // The refresh token stays (Entra ID asks for a sign-in, it did not refuse the grant): once the user has
            // signed in with MFA again, the next call goes through.
            stubs.forEach(simulator::removeStub);
            stubs.clear();
            entraIdGivesTokens();
            assertThat(read(PartnerCenterSimulator.ALLOWED, "validation-status").status())
                    .isEqualTo(200);
            assertThat(credentials().path("status").asString()).isEqualTo("UP");
            assertThat(lines(output, ENDS)).isEqualTo(1);
        } else {
            simulator.verify(
                    1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withRequestBody(containing("refresh_token")));
        }
    }
}
