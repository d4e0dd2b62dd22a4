package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An expired refresh token in a fleet: the replica that meets it tells the others, so every replica's health says
 * so, and the operator's renewal (a new pod with the new consent's token) ends it on every replica, old pods
 * included. Entra ID is scripted on the simulator's WireMock: the old consent's token is refused, the new one's
 * and every token after it are given.
 */
class FleetConsentTest {

    static final String TOKEN_PATH = "/fleet-tenant/oauth2/v2.0/token";
    static RedisServer redis;
    static WireMockServer partnerCenter;
    static MockOAuth2Server issuer;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0);
        partnerCenter.stubFor(post(urlPathEqualTo(TOKEN_PATH)).atPriority(1).willReturn(okJson("""
                        {"access_token": "access", "token_type": "Bearer", "expires_in": 3599,
                         "refresh_token": "rotated"}""")));
        partnerCenter.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .atPriority(0)
                .withRequestBody(containing("refresh_token=old-consent"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has\
                                 expired due to inactivity. Trace ID: 5e1d"}""")));
    }

    @AfterAll
    static void stop() {
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    static JsonNode credentials(Fleet.Replica replica) {
        return JsonMapper.shared()
                .readTree(replica.management("/actuator/health").body())
                .path("components")
                .path("partnerCenterCredentials");
    }

    static void await(String what, Fleet.Replica replica, String status) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(10))
                .until(() -> credentials(replica).path("status").asString().equals(status));
    }

    @Test
    void everyReplicaSaysTheConsentMustBeRenewedUntilTheNewConsentWorks() throws InterruptedException {
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, "old-consent")
                .with("partner-center.auth.token-uri", partnerCenter.baseUrl() + TOKEN_PATH)) {
            Fleet.Replica first = fleet.start();
            Fleet.Replica second = fleet.start();
            String token = EndToEnd.readerToken(issuer);
            String status = "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status";

            RawHttp.Answer refused = first.get(status, token);

            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.json().path("upstreamErrorCode").asString()).isEqualTo("AADSTS700082");
            await("the other replica is told", second, "DOWN");
            assertThat(credentials(second).path("details").path("reason").asString())
                    .isEqualTo("refresh-token-expired");
            assertThat(second.management("/actuator/prometheus").body())
                    .containsPattern("partner_center_consent_required\\{[^}]*reason=\"refresh-token-expired\"} 1");

            // The operator renews the consent: the new token in the Secret, and the pods roll, the new one first.
            Fleet.Replica renewed = fleet.start("partner-center.auth.refresh-token", "new-consent");
            assertThat(renewed.get(status, token).status()).isEqualTo(200);

            await("the old replicas see it is over", first, "UP");
            await("the old replicas see it is over", second, "UP");
            assertThat(first.get(status, token).status())
                    .as("an old pod uses the fleet's new chain")
                    .isEqualTo(200);
            assertThat(second.management("/actuator/prometheus").body())
                    .containsPattern("partner_center_consent_required\\{[^}]*reason=\"none\"} 0");
        }
    }
}
