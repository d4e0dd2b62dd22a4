package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.ConsentSignIn;
import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
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

    /**
     * The consent page in a fleet: the renewal started on one replica comes back to another (a load balancer does
     * not care), works there, and a replayed state is refused on either; every replica then calls Partner Center
     * with the new consent's token, the old pods included.
     */
    @Test
    void aRenewalStartedOnOneReplicaEndsOnAnotherAndTheWholeFleetTakesTheNewConsent() {
        String entra = issuer.issuerUrl(LocalTokenIssuer.ENTRA_ISSUER).toString();
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer))
                .with("partner-center.auth.tenant-id", LocalTokenIssuer.PARTNER_TENANT)
                .with("partner-center.auth.authorization-uri", entra + "/authorize")
                .with("partner-center.auth.jwk-set-uri", entra + "/jwks")
                .with("partner-center.auth.issuer-uri", entra)
                .with("partner-center.consent.enabled", "true")
                .with("partner-center.consent.allowed-users", LocalTokenIssuer.PARTNER_ADMIN)) {
            Fleet.Replica first = fleet.start();
            Fleet.Replica second = fleet.start();
            String token = EndToEnd.readerToken(issuer);
            // A customer nobody asked about: an App+User call to Partner Center each time, none from the cache.
            java.util.function.Supplier<String> status =
                    () -> "/api/v1/customers/" + java.util.UUID.randomUUID() + "/validation-status";
            assertThat(first.get(status.get(), token).status()).isEqualTo(404);
            String before = lastBearer();

            ConsentSignIn signedIn = ConsentSignIn.at(first.port);
            RawHttp.Answer renewed = RawHttp.get(second.port, signedIn.callback(), "Cookie", signedIn.cookie());

            assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
            assertThat(renewed.body()).contains("on every replica");
            for (Fleet.Replica replica : List.of(first, second)) {
                RawHttp.Answer replayed = RawHttp.get(replica.port, signedIn.callback(), "Cookie", signedIn.cookie());
                assertThat(replayed.status()).isEqualTo(400);
                assertThat(replayed.body()).contains("state-used");
            }
            // The old chain's access token is dropped everywhere: both replicas call with the new consent's.
            assertThat(second.get(status.get(), token).status()).isEqualTo(404);
            String after = lastBearer();
            assertThat(after).isNotEqualTo(before);
            Awaitility.await("the first replica takes the new consent")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> first.get(status.get(), token).status() == 404
                            && lastBearer().equals(after));
            assertThat(RawHttp.get(first.port, "/consent").body()).contains("Last renewed here: 20");
        }
    }

    // The bearer token of the last App+User call Partner Center got.
    private static String lastBearer() {
        List<LoggedRequest> calls =
                partnerCenter.findAll(getRequestedFor(urlPathMatching("/v1/customers/.*/validationStatus")));
        return calls.get(calls.size() - 1).getHeader("Authorization");
    }
}
