package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Two portals and a small quota (60 a minute: 20 each for sales, support and every other client): while sales
 * floods with more than the whole quota at once, support is served at once, and sales is told to slow down
 * instead of queueing everyone behind it.
 */
@TestPropertySource(
        properties = {
            "partner-center.quota.validation-status.requests-per-minute=60",
            "partner-center.portals.sales.client-ids=sales-portal",
            "partner-center.portals.support.client-ids=support-portal,support-job"
        })
class PortalFairShareTest extends EndToEndTest {

    static final ExecutorService portals = Executors.newFixedThreadPool(80);

    @AfterAll
    static void stop() {
        portals.shutdownNow();
    }

    static String tokenOf(String clientId) {
        return EndToEnd.portalToken(issuer, clientId, "partner-center.read");
    }

    // A customer Partner Center has never heard of: eligible, and never cached, so every read is a call.
    CompletableFuture<RawHttp.Answer> read(String token) {
        return CompletableFuture.supplyAsync(
                () -> RawHttp.get(
                        port,
                        "/api/v1/customers/" + UUID.randomUUID() + "/purchase-eligibility",
                        "Authorization",
                        "Bearer " + token),
                portals);
    }

    static List<RawHttp.Answer> all(List<CompletableFuture<RawHttp.Answer>> calls) {
        return calls.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void whileOnePortalFloodsTheOtherIsServedAtOnceAndTheFloodIsToldToSlowDown() {
        String sales = tokenOf("sales-portal");
        String support = tokenOf("support-job");
        int before = simulator
                .findAll(getRequestedFor(urlPathMatching("/v1/customers/.*/validationStatus")))
                .size();

        List<RawHttp.Answer> flood =
                all(IntStream.range(0, 80).mapToObj(i -> read(sales)).toList());
        long start = System.nanoTime();
        List<RawHttp.Answer> quiet =
                all(IntStream.range(0, 8).mapToObj(i -> read(support)).toList());
        long quietMillis = (System.nanoTime() - start) / 1_000_000;

        // Its own 20, and half of what each idle portal holds: 10 of support's, 10 of the others'.
        assertThat(flood).filteredOn(answer -> answer.status() == 200).hasSize(40);
        assertThat(flood)
                .filteredOn(answer -> answer.status() != 200)
                .hasSize(40)
                .allSatisfy(answer -> {
                    assertThat(answer.status()).isEqualTo(429);
                    assertThat(answer.json().path("type").asString()).endsWith("portal-over-share");
                    assertThat(answer.json().path("retryable").asBoolean()).isTrue();
                    assertThat(Integer.parseInt(answer.header("Retry-After"))).isBetween(1, 3);
                });
        assertThat(quiet).allSatisfy(answer -> assertThat(answer.status()).isEqualTo(200));
        assertThat(quietMillis).as("served without waiting behind the flood").isLessThan(2_000);
        assertThat(simulator
                                .findAll(getRequestedFor(urlPathMatching("/v1/customers/.*/validationStatus")))
                                .size()
                        - before)
                .as("within the partner's quota")
                .isEqualTo(48);
    }
}
