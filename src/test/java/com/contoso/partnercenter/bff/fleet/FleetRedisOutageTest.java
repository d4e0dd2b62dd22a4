package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Redis goes away under load and comes back empty: no portal notices a 5xx, each replica goes on with its own
 * memory, says so once and says once that Redis is back, and the fleet shares again by itself.
 */
@ExtendWith(OutputCaptureExtension.class)
class FleetRedisOutageTest {

    static RedisServer redis;
    static WireMockServer partnerCenter;
    static MockOAuth2Server issuer;
    static Fleet fleet;
    static String token;

    @BeforeAll
    static void startTheFleet() {
        redis = RedisServer.start();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0);
        fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer));
        for (int i = 0; i < 3; i++) {
            fleet.start();
        }
        token = EndToEnd.readerToken(issuer);
    }

    @AfterAll
    static void stopTheFleet() {
        fleet.close();
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    static Fleet.Replica replica(int n) {
        return fleet.replicas().get(n);
    }

    @Test
    void redisGoneUnderLoadCostsNo5xxAndTheFleetSharesAgainWhenItIsBack(CapturedOutput output) {
        String[] known = {PartnerCenterSimulator.ALLOWED, PartnerCenterSimulator.UNDER_REVIEW};
        for (int i = 0; i < 3; i++) {
            for (String customer : known) {
                assertThat(replica(i)
                                .get("/api/v1/customers/" + customer + "/purchase-eligibility", token)
                                .status())
                        .isEqualTo(200);
            }
        }
        var failures = new ConcurrentLinkedQueue<String>();
        var running = new AtomicBoolean(true);
        List<CompletableFuture<Void>> portals = IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.runAsync(() -> {
                    int n = 0;
                    while (running.get()) {
                        // Cached answers, and App-only and App+User calls for customers nobody asked about.
                        String path = switch (n++ % 3) {
                            case 0 -> "/api/v1/customers/" + known[n % 2] + "/purchase-eligibility";
                            case 1 -> "/api/v1/customers/" + UUID.randomUUID() + "/qualifications";
                            default -> "/api/v1/customers/" + UUID.randomUUID() + "/purchase-eligibility";
                        };
                        RawHttp.Answer answer = replica(i).get(path, token);
                        if (answer.status() >= 500) {
                            failures.add(path + " " + answer.status() + " " + answer.body());
                        }
                        sleep(20);
                    }
                }))
                .toList();

        sleep(800);
        redis.stop();
        sleep(1_500);
        RawHttp.Answer away = replica(0).management("/actuator/health");
        RawHttp.Answer ready = replica(0).management("/actuator/health/readiness");
        redis.startAgain(); // empty, as a restarted Redis is
        sleep(2_500);
        running.set(false);
        portals.forEach(CompletableFuture::join);

        assertThat(failures).isEmpty();
        assertThat(away.json().at("/components/fleet/status").asString()).isEqualTo("DOWN");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(replica(0)
                        .management("/actuator/health")
                        .json()
                        .at("/components/fleet/status")
                        .asString())
                .isEqualTo("UP");
        // Lost once and found once, per replica: not a line per command, nor per reconnection attempt.
        assertThat(output.getOut().lines().filter(line -> line.contains("Redis is unreachable")))
                .hasSize(3);
        assertThat(output.getOut().lines().filter(line -> line.contains("Redis is reachable again")))
                .hasSize(3);
        // The tokens are in Redis again, written back by the replicas.
        assertThat(redis.get("partner-center-bff:{tokens}:partner-center-app-user"))
                .isNotNull();

        // Shared again: concurrent misses on all replicas make one call.
        String customer = UUID.randomUUID().toString();
        List<CompletableFuture<RawHttp.Answer>> answers = IntStream.range(0, 9)
                .mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> replica(i % 3).get("/api/v1/customers/" + customer + "/qualifications", token)))
                .toList();
        assertThat(answers).extracting(answer -> answer.join().status()).containsOnly(200);
        assertThat(partnerCenter.findAll(
                        anyRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/qualifications"))))
                .hasSize(1);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
