package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portals' fair shares hold for the fleet: one portal flooding three replicas gets its share and what the
 * others leave, counted in Redis, while the quiet portal is served at once on any replica.
 */
class FleetPortalShareTest {

    static RedisServer redis;
    static WireMockServer partnerCenter;
    static MockOAuth2Server issuer;
    static final ExecutorService portals = Executors.newFixedThreadPool(60);

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0);
    }

    @AfterAll
    static void stop() {
        portals.shutdownNow();
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    static CompletableFuture<RawHttp.Answer> read(Fleet.Replica replica, String token) {
        return CompletableFuture.supplyAsync(
                () -> replica.get("/api/v1/customers/" + UUID.randomUUID() + "/purchase-eligibility", token), portals);
    }

    @Test
    void aFloodOnEveryReplicaLeavesTheQuietPortalItsShare() {
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer))
                .with("partner-center.quota.validation-status.requests-per-minute", 60)
                .with("partner-center.portals.sales.client-ids", "sales-portal")
                .with("partner-center.portals.support.client-ids", "support-portal")) {
            List<Fleet.Replica> replicas = List.of(fleet.start(), fleet.start(), fleet.start());
            String sales = EndToEnd.portalToken(issuer, "sales-portal", "partner-center.read");
            String support = EndToEnd.portalToken(issuer, "support-portal", "partner-center.read");
            partnerCenter.resetRequests();

            List<RawHttp.Answer> flood =
                    IntStream.range(0, 60).mapToObj(i -> read(replicas.get(i % 3), sales)).toList().stream()
                            .map(CompletableFuture::join)
                            .toList();
            List<RawHttp.Answer> quiet =
                    IntStream.range(0, 6).mapToObj(i -> read(replicas.get(i % 3), support)).toList().stream()
                            .map(CompletableFuture::join)
                            .toList();

            // Counted for the fleet: its own 20 and half of each other portal's 20, not that on each replica.
            assertThat(flood).filteredOn(answer -> answer.status() == 200).hasSizeBetween(36, 40);
            assertThat(flood)
                    .filteredOn(answer -> answer.status() != 200)
                    .allSatisfy(answer ->
                            assertThat(answer.json().path("type").asString()).endsWith("portal-over-share"));
            assertThat(quiet).allSatisfy(answer -> assertThat(answer.status()).isEqualTo(200));
            assertThat(partnerCenter.findAll(anyRequestedFor(urlPathMatching("/v1/customers/[^/]+/validationStatus"))))
                    .hasSizeLessThanOrEqualTo(46);
        }
    }
}
