package com.contoso.partnercenter.bff.fleet;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.EndToEnd;
import com.contoso.partnercenter.bff.EventStream;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three replicas against one Partner Center (the simulator), one token issuer that rotates refresh tokens
 * strictly (a used one is unknown afterwards) and issues access tokens that last five seconds (with Spring's
 * one-minute margin), and a real Redis of each topology operators run (the subclasses): the fleet acts as one
 * careful client of Partner Center.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetChecks {

    RedisTopology redis;
    WireMockServer partnerCenter;
    MockOAuth2Server issuer;
    String consent;
    Fleet fleet;
    String token;

    /** The Redis the fleet shares, started for these checks. */
    abstract RedisTopology startRedis();

    @BeforeAll
    void startTheFleet() {
        redis = startRedis();
        partnerCenter = PartnerCenterSimulator.start(0);
        issuer = LocalTokenIssuer.start(0, 65);
        consent = LocalTokenIssuer.consent(issuer);
        fleet = new Fleet(partnerCenter, issuer, redis, consent)
                // A quota only the quota test uses.
                .with("partner-center.quota.qualification-sync.requests-per-minute", 4);
        for (int i = 0; i < 3; i++) {
            fleet.start();
        }
        token = EndToEnd.readerToken(issuer);
        // As a fleet in service is: each replica has served a request (its first App+User token, its connections
        // opened). On 2 cores a cold replica's first token took over the second that the checks' tight deadline
        // (5 s, a 3 s Partner Center) leaves it.
        for (Fleet.Replica replica : fleet.replicas()) {
            replica.get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token);
        }
        drainTokenRequests();
    }

    @AfterAll
    void stopTheFleet() {
        fleet.close();
        partnerCenter.stop();
        issuer.shutdown();
        redis.close();
    }

    Fleet.Replica replica(int n) {
        return fleet.replicas().get(n);
    }

    int asked(String path) {
        return partnerCenter.findAll(anyRequestedFor(urlPathEqualTo(path))).size();
    }

    /** The token requests the issuer received since the last call: their bodies. */
    List<String> drainTokenRequests() {
        List<String> bodies = new ArrayList<>();
        while (true) {
            RecordedRequest request;
            try {
                request = issuer.takeRequest(10, TimeUnit.MILLISECONDS);
            } catch (RuntimeException noneLeft) {
                return bodies;
            }
            if (request.getPath() != null && request.getPath().endsWith("/token")) {
                bodies.add(request.getBody().readUtf8());
            }
        }
    }

    @Test
    @Order(1)
    void concurrentMissesOnDifferentReplicasMakeOneUpstreamCall() {
        String customer = PartnerCenterSimulator.SLOW; // Partner Center takes 3 s to answer
        List<CompletableFuture<RawHttp.Answer>> answers = IntStream.range(0, 30)
                .mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> replica(i % 3).get("/api/v1/customers/" + customer + "/validation-status", token)))
                .toList();

        assertThat(answers).extracting(answer -> answer.join().status()).containsOnly(200);
        assertThat(asked("/v1/customers/" + customer + "/validationStatus")).isEqualTo(1);
        assertThat(answers)
                .extracting(answer -> answer.join().header("Cache-Status"))
                .contains("partner-center-bff; fwd=miss", "partner-center-bff; fwd=miss; collapsed; detail=fleet");
        // And afterwards every replica answers from the fleet's copy.
        assertThat(replica(2)
                        .get("/api/v1/customers/" + customer + "/purchase-eligibility", token)
                        .status())
                .isEqualTo(200);
        assertThat(asked("/v1/customers/" + customer + "/validationStatus")).isEqualTo(1);
    }

    /** A portal revalidates on whichever replica it reaches: the tag is the answer's, not the replica's. */
    @Test
    @Order(1)
    void theSameAnswerHasTheSameTagOnEveryReplica() {
        String path = "/api/v1/customers/" + PartnerCenterSimulator.EDUCATION_APPROVED + "/qualifications";
        List<String> tags = IntStream.range(0, 3)
                .mapToObj(i -> replica(i).get(path, token).header("ETag"))
                .toList();

        assertThat(tags).doesNotContainNull().containsOnly(tags.get(0));
    }

    @Test
    @Order(2)
    void aThrottleSeenByOneReplicaClosesTheGateOnAll() {
        String path = "/api/v1/customers/" + PartnerCenterSimulator.THROTTLED + "/validation-status";

        RawHttp.Answer first = replica(0).get(path, token);
        RawHttp.Answer second = replica(1).get(path, token);
        RawHttp.Answer third = replica(2).get(path, token);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.header("Retry-After")).isEqualTo("57");
        for (RawHttp.Answer gated : List.of(second, third)) {
            assertThat(gated.status()).isEqualTo(503);
            assertThat(gated.json().get("detail").asString()).contains("not asked again");
            assertThat(Integer.parseInt(gated.header("Retry-After"))).isBetween(50, 57);
        }
        assertThat(asked("/v1/customers/" + PartnerCenterSimulator.THROTTLED + "/validationStatus"))
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void anUpdateOnOneReplicaRefreshesTheOthers() {
        String customer = UUID.randomUUID().toString();
        String path = "/api/v1/customers/" + customer + "/qualifications";
        for (int i = 0; i < 3; i++) {
            assertThat(replica(i).get(path, token).json().get("items")).isEmpty();
        }
        assertThat(asked("/v1/customers/" + customer + "/qualifications")).isEqualTo(1);

        String writer = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                java.util.Map.of("scp", "partner-center.read partner-center.write"),
                3600);
        assertThat(replica(0)
                        .post(path, writer, "{\"qualification\": \"Education\"}")
                        .status())
                .isEqualTo(201);

        for (int i = 1; i < 3; i++) {
            assertThat(replica(i).get(path, token).json().get("items"))
                    .singleElement()
                    .satisfies(item ->
                            assertThat(item.get("qualification").asString()).isEqualTo("Education"));
        }
    }

    /** A portal's retry of an update may reach any replica: it gets the first answer, not a second update. */
    @Test
    @Order(3)
    void anIdempotentRetryOnAnotherReplicaIsAnsweredAlike() {
        String customer = UUID.randomUUID().toString();
        String path = "/api/v1/customers/" + customer + "/qualifications";
        String writer = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                java.util.Map.of("scp", "partner-center.read partner-center.write"),
                3600);
        String key = UUID.randomUUID().toString();
        String update = "{\"qualification\": \"Education\"}";

        RawHttp.Answer first = replica(0).post(path, writer, update, "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        for (int i = 1; i < 3; i++) {
            RawHttp.Answer retry = replica(i).post(path, writer, update, "Idempotency-Key", key);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(retry.json()).isEqualTo(first.json());
            assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        }
        assertThat(partnerCenter.findAll(
                        postRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/qualifications"))))
                .hasSize(1);
    }

    @Test
    @Order(4)
    void theFleetRedeemsOneRefreshTokenChainOneReplicaAtATime() throws Exception {
        drainTokenRequests();
        var failures = new ConcurrentLinkedQueue<String>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
        List<CompletableFuture<Void>> portals = IntStream.range(0, 3)
                .mapToObj(i -> CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < until) {
                        // A customer nobody asked about: an App+User call to Partner Center every time.
                        RawHttp.Answer answer =
                                replica(i).get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token);
                        if (answer.status() != 404) {
                            failures.add(answer.status() + " " + answer.body());
                        }
                        sleep(100);
                    }
                }))
                .toList();
        portals.forEach(CompletableFuture::join);

        // Access tokens last 5 s: over 7 s one or two renewals for the whole fleet (and perhaps the keep-alive
        // of a token whose age was unknown), not two per replica; a replica redeeming a refresh token another had
        // already used would have been refused, strictly.
        assertThat(failures).isEmpty();
        List<String> refreshes = drainTokenRequests().stream()
                .filter(body -> body.contains("grant_type=refresh_token"))
                .toList();
        assertThat(refreshes).hasSizeBetween(1, 4);
        assertThat(refreshes).doesNotHaveDuplicates();
    }

    @Test
    @Order(5)
    void aReplicaStartedWithTheConfiguredLongUsedTokenTakesTheChainsNewest() {
        replica(2).stop();
        fleet.replicas().remove(2);
        Fleet.Replica late = fleet.start(); // configured with the consent's token, redeemed long ago

        RawHttp.Answer answer = late.get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token);

        assertThat(answer.status()).as(answer.body()).isEqualTo(404);
        assertThat(drainTokenRequests()).noneMatch(body -> body.contains("refresh_token=" + consent));
    }

    @Test
    @Order(6)
    void aNewConsentTakesOverTheFleet() {
        String renewed = LocalTokenIssuer.consent(issuer);
        Fleet.Replica withNewConsent = fleet.start("partner-center.auth.refresh-token", renewed);

        assertThat(withNewConsent
                        .get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token)
                        .status())
                .isEqualTo(404);
        assertThat(drainTokenRequests()).anyMatch(body -> body.contains("refresh_token=" + renewed));
        sleep(5_500); // the other replicas' access tokens run out
        for (int i = 0; i < 2; i++) {
            assertThat(replica(i)
                            .get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status", token)
                            .status())
                    .isEqualTo(404);
        }

        String stored = redis.get("partner-center-bff:{tokens}:partner-center-app-user");
        var cipher = new TokenCipher(Fleet.TOKEN_KEY);
        JsonNode chain = JsonMapper.shared().readTree(cipher.decrypt(stored.substring(stored.indexOf(':') + 1)));
        assertThat(chain.get("consent").asString()).isEqualTo(cipher.fingerprint(renewed));
        // Encrypted at rest: neither token appears in Redis as it is.
        assertThat(stored)
                .doesNotContain(
                        chain.get("refreshToken").asString(),
                        chain.get("accessToken").asString());
    }

    @Test
    @Order(7)
    void theQuotaHoldsAcrossReplicas() {
        List<RawHttp.Answer> answers = IntStream.range(0, 8)
                .mapToObj(i -> replica(i % 3).get("/api/v1/customers/" + UUID.randomUUID() + "/qualification", token))
                .toList();

        assertThat(answers).filteredOn(answer -> answer.status() == 200).hasSize(4);
        assertThat(answers)
                .filteredOn(answer -> answer.status() == 503)
                .hasSize(4)
                .allSatisfy(answer -> {
                    assertThat(answer.json().get("type").asString()).endsWith("quota-exhausted");
                    assertThat(Integer.parseInt(answer.header("Retry-After"))).isBetween(1, 15);
                });
        assertThat(partnerCenter.findAll(
                        anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                                "/v1/customers/[^/]+/qualification"))))
                .hasSize(4);
    }

    /**
     * A replica started while Partner Center is down answers what the fleet last heard from it; an update drops
     * that everywhere. Two replicas of their own, with a 1 s TTL, so that the fleet's answer goes stale.
     */
    @Test
    @Order(8)
    void aReplicaStartedDuringAnOutageHasTheFleetsLastKnownAnswers() {
        String customer = UUID.randomUUID().toString();
        String upstream = "/v1/customers/" + customer + "/qualifications";
        String path = "/api/v1/customers/" + customer + "/qualifications";
        StubMapping known = partnerCenter.stubFor(get(urlPathEqualTo(upstream))
                .atPriority(1)
                .willReturn(okJson("[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]")));
        StubMapping outage = null;
        Fleet.Replica before = fleet.start("partner-center.cache.ttl", "1s");
        Fleet.Replica during = null;
        try {
            RawHttp.Answer fresh = before.get(path, token);
            assertThat(fresh.status()).isEqualTo(200);
            partnerCenter.removeStub(known);
            outage = partnerCenter.stubFor(get(urlPathEqualTo(upstream))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(503)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"code\": 503, \"isRetryable\": true}")));
            sleep(1_200);
            during = fleet.start("partner-center.cache.ttl", "1s");

            RawHttp.Answer stale = during.get(path, token);

            assertThat(stale.status()).isEqualTo(200);
            assertThat(stale.json()).isEqualTo(fresh.json());
            assertThat(stale.header("Cache-Status"))
                    .matches("partner-center-bff; hit; ttl=-\\d+; detail=stale-if-error");
            assertThat(Long.parseLong(stale.header("Age"))).isGreaterThanOrEqualTo(1);

            String writer = EndToEnd.token(
                    issuer,
                    List.of(LocalTokenIssuer.AUDIENCE),
                    java.util.Map.of("scp", "partner-center.read partner-center.write"),
                    3600);
            assertThat(during.post(path, writer, "{\"qualification\": \"Education\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(during.get(path, token).status())
                    .as("gone from the fleet")
                    .isEqualTo(502);
            assertThat(before.get(path, token).status())
                    .as("gone from the other replica")
                    .isEqualTo(502);
        } finally {
            partnerCenter.removeStub(outage != null ? outage : known);
            before.stop();
            if (during != null) {
                during.stop();
            }
        }
    }

    /**
     * The watch on this topology: the fleet's roster (compare-and-set) and channel carry a stream on one replica and
     * an update through another; with the 5-minute interval, the event within 2 s can only be the update's.
     */
    @Test
    @Order(9)
    void anUpdateThroughOneReplicaReachesAWatchingStreamOnAnother() throws Exception {
        String customer = UUID.randomUUID().toString();
        try (EventStream stream = EventStream.open(replica(1).port, token, List.of(customer))) {
            assertThat(stream.next(java.time.Duration.ofSeconds(5)))
                    .as("the first state")
                    .isNotNull();
            assertThat(replica(2).management("/actuator/prometheus").body())
                    .as("the roster is the fleet's")
                    .containsPattern("(?m)^partner_center_watched_customers(\\{[^}]*})? [1-9]");
            String writer = EndToEnd.token(
                    issuer,
                    List.of(LocalTokenIssuer.AUDIENCE),
                    java.util.Map.of("scp", "partner-center.read partner-center.write"),
                    3600);
            assertThat(replica(0)
                            .post(
                                    "/api/v1/customers/" + customer + "/qualifications",
                                    writer,
                                    "{\"qualification\": \"Education\"}")
                            .status())
                    .isEqualTo(201);
            EventStream.Event changed = stream.next(java.time.Duration.ofSeconds(2));
            assertThat(changed).as("the update's event within 2 s").isNotNull();
            assertThat(changed.data()
                            .at("/qualifications/items/0/vettingStatus")
                            .asString())
                    .isEqualTo("InReview");
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
