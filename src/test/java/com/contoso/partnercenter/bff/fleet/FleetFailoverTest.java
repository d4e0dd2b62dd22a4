package com.contoso.partnercenter.bff.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sentinel replaces a dead master under App+User load, against an issuer that accepts only the newest refresh
 * token and access tokens that Spring renews every few seconds: no portal sees a 5xx, and the fleet's chain does
 * not fork (no refresh token is redeemed twice, so none the issuer would refuse).
 */
class FleetFailoverTest {

    static RedisSentinel redis;
    static WireMockServer partnerCenter;
    static MockOAuth2Server issuer;
    static Fleet fleet;
    static String token;
    static ExecutorService portals = Executors.newFixedThreadPool(6);

    @BeforeAll
    static void startTheFleet() {
        redis = RedisSentinel.start();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0, 65); // five seconds before Spring renews them
        fleet = new Fleet(partnerCenter, issuer, redis, LocalTokenIssuer.consent(issuer));
        for (int i = 0; i < 3; i++) {
            fleet.start();
        }
        token = EndToEnd.readerToken(issuer);
    }

    @AfterAll
    static void stopTheFleet() {
        portals.shutdownNow();
        fleet.close();
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    @Test
    void aFailoverUnderLoadAnswersNo5xxAndLosesNoRefreshToken() {
        var failures = new ConcurrentLinkedQueue<String>();
        var answered = new AtomicInteger();
        var slowest = new java.util.concurrent.atomic.AtomicLong();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<CompletableFuture<Void>> load = IntStream.range(0, 6)
                .mapToObj(i -> CompletableFuture.runAsync(
                        () -> {
                            while (System.nanoTime() < until) {
                                // A customer nobody asked about: an App+User call to Partner Center every time.
                                long sent = System.nanoTime();
                                RawHttp.Answer answer = fleet.replicas()
                                        .get(i % 3)
                                        .get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token);
                                answered.incrementAndGet();
                                slowest.accumulateAndGet(System.nanoTime() - sent, Math::max);
                                if (answer.status() != 404) {
                                    failures.add(answer.status() + " " + answer.body());
                                }
                                sleep(20);
                            }
                        },
                        portals))
                .toList();
        sleep(4_000);
        Duration failover = redis.killMaster();
        load.forEach(CompletableFuture::join);
        System.out.printf(
                "failover: %d ms; %d answers, %d failed, the slowest in %d ms%n",
                failover.toMillis(), answered.get(), failures.size(), slowest.get() / 1_000_000);

        assertThat(failures).as("answers other than 404").isEmpty();
        List<String> redeemed = redeemedRefreshTokens();
        assertThat(redeemed).hasSizeGreaterThan(1).doesNotHaveDuplicates();
        // And the fleet shares again on the new master: the chain is there, at its newest.
        assertThat(redis.get("partner-center-bff:{tokens}:partner-center-app-user"))
                .isNotNull();
    }

    private static final Pattern REFRESH_TOKEN = Pattern.compile("refresh_token=([^&]+)");

    static List<String> redeemedRefreshTokens() {
        List<String> redeemed = new ArrayList<>();
        while (true) {
            RecordedRequest request;
            try {
                request = issuer.takeRequest(10, TimeUnit.MILLISECONDS);
            } catch (RuntimeException noneLeft) {
                return redeemed;
            }
            if (request.getPath() != null && request.getPath().endsWith("/token")) {
                String body = request.getBody().readUtf8();
                Matcher refresh = REFRESH_TOKEN.matcher(body);
                if (body.contains("grant_type=refresh_token") && refresh.find()) {
                    redeemed.add(refresh.group(1));
                }
            }
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
