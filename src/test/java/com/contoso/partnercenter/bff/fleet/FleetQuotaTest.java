package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The fleet's quota holds from the first request of two freshly started replicas, in every run: 60 concurrent
 * reads in 5 s against 20 a minute. A token bucket of 20 refilled at one every 3 s lets at most 20 + 1 per 3 s of the
 * calls' span reach Partner Center; a replica counting alone for a moment would let up to 20 more through.
 */
class FleetQuotaTest {

    static RedisServer redis;
    static WireMockServer partnerCenter;
    static ExecutorService portals = Executors.newFixedThreadPool(60);
    static MockOAuth2Server issuer;
    static String token;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0);
        token = EndToEnd.readerToken(issuer);
    }

    @AfterAll
    static void stop() {
        portals.shutdownNow();
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    @RepeatedTest(3)
    void twoFreshReplicasKeepOneQuota() {
        partnerCenter.resetRequests();
        try (Fleet fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer))
                // A bucket of its own per run, as a fresh Redis would have.
                .with("partner-center.fleet.key-prefix", "quota-" + UUID.randomUUID() + ":")
                .with("partner-center.quota.validation-status.requests-per-minute", 20)) {
            List<Fleet.Replica> replicas = List.of(fleet.start(), fleet.start());

            List<CompletableFuture<RawHttp.Answer>> answers = IntStream.range(0, 60)
                    .mapToObj(i -> {
                        sleep(5_000 / 60);
                        return CompletableFuture.supplyAsync(() -> replicas.get(i % 2)
                                .get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token));
                    })
                    .toList();
            answers.forEach(CompletableFuture::join);

            List<LoggedRequest> calls =
                    partnerCenter.findAll(anyRequestedFor(urlPathMatching("/v1/customers/[^/]+/validationStatus")));
            long first = calls.stream()
                    .mapToLong(call -> call.getLoggedDate().getTime())
                    .min()
                    .orElse(0);
            long last = calls.stream()
                    .mapToLong(call -> call.getLoggedDate().getTime())
                    .max()
                    .orElse(0);
            assertThat(calls.size()).isLessThanOrEqualTo(20 + 1 + (int) ((last - first) / 3_000));
            assertThat(calls.size()).isGreaterThanOrEqualTo(20);
            assertThat(answers)
                    .extracting(answer -> answer.join().status())
                    .containsOnly(404, 503); // the simulator knows none of them; over the quota, 503
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
