package com.contoso.partnercenter.bff.partnercenter;

import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterClientTest.CUSTOMER;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterClientTest.TOKEN_PATH;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterClientTest.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.partnercenter.failure.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.upstream.CustomerQualification;
import com.contoso.partnercenter.bff.partnercenter.upstream.QualificationUpdate;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/** Caching and request coalescing in front of a real HTTP Partner Center. */
class ResponseCacheTest {

    static final String QUALIFICATIONS = "/v1/customers/" + CUSTOMER + "/qualifications";

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void tokens() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(token("token", "refresh-token-1", 3599))));
    }

    PartnerCenterClient client(Duration ttl) {
        return PartnerCenterClientTest.client(
                wireMock.baseUrl(), wireMock.baseUrl(), Duration.ofSeconds(5), Duration.ofSeconds(1), meters, ttl);
    }

    int upstreamCalls() {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo(QUALIFICATIONS))).size();
    }

    @Test
    void concurrentRequestsForOneCustomerMakeOneUpstreamCallAndAllGetItsAnswer() {
        wireMock.stubFor(get(QUALIFICATIONS)
                .willReturn(okJson("[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]")
                        .withFixedDelay(500)));
        PartnerCenterClient client = client(Duration.ofSeconds(30));
        List<CacheStatus> statuses =
                Flux.range(0, 20).map(i -> new CacheStatus()).collectList().block();

        List<List<CustomerQualification>> answers = Flux.fromIterable(statuses)
                .flatMap(status -> client.qualifications(CUSTOMER).contextWrite(Context.of(CacheStatus.class, status)))
                .collectList()
                .block();

        assertThat(answers)
                .hasSize(20)
                .allSatisfy(answer -> assertThat(answer)
                        .extracting(CustomerQualification::vettingStatus)
                        .containsExactly("Approved"));
        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(statuses).extracting(CacheStatus::headerValue).containsOnlyOnce("partner-center-bff; fwd=miss");
        assertThat(statuses)
                .extracting(CacheStatus::headerValue)
                .filteredOn(value -> value.endsWith("collapsed"))
                .hasSize(19);
        assertThat(meters.counter("partner.center.cache.requests", "operation", "qualifications", "result", "collapsed")
                        .count())
                .isEqualTo(19);

        var later = new CacheStatus();
        client.qualifications(CUSTOMER)
                .contextWrite(Context.of(CacheStatus.class, later))
                .block();
        assertThat(later.headerValue()).isEqualTo("partner-center-bff; hit");
        assertThat(upstreamCalls()).isEqualTo(1);
    }

    @Test
    void anErrorIsNeverReused() {
        wireMock.stubFor(get(QUALIFICATIONS)
                .inScenario("recovers")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("up")
                .willReturn(aResponse().withStatus(500).withBody("{\"isRetryable\": false}")));
        wireMock.stubFor(get(QUALIFICATIONS)
                .inScenario("recovers")
                .whenScenarioStateIs("up")
                .willReturn(okJson("[]")));
        PartnerCenterClient client = client(Duration.ofSeconds(30));

        assertThatThrownBy(() -> client.qualifications(CUSTOMER).block()).isInstanceOf(PartnerCenterException.class);
        assertThat(client.qualifications(CUSTOMER).block()).isEmpty();
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void aSuccessfulUpdateDropsTheCustomersAnswers() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        wireMock.stubFor(post(urlPathEqualTo(QUALIFICATIONS))
                .withRequestBody(containing("Education"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"qualification\": \"Education\", \"vettingStatus\": \"InReview\"}")));
        PartnerCenterClient client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).block();
        client.qualifications(CUSTOMER).block();
        client.createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null))
                .block();
        client.qualifications(CUSTOMER).block();

        assertThat(upstreamCalls()).isEqualTo(2);
    }

    /** An update that may have been applied (its connection broke) drops what was kept from before it too. */
    @Test
    void anUpdateWhoseOutcomeIsUnknownDropsTheCustomersAnswers() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        wireMock.stubFor(post(urlPathEqualTo(QUALIFICATIONS))
                .willReturn(
                        aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        PartnerCenterClient client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).block();
        assertThatThrownBy(() -> client.createQualification(
                                CUSTOMER, new QualificationUpdate("Education", null, null, null))
                        .block())
                .isInstanceOf(PartnerCenterException.class);
        client.qualifications(CUSTOMER).block();

        assertThat(upstreamCalls()).isEqualTo(2);
    }

    /** A GCC qualification uses up one of the partner's validation codes: the codes are asked again. */
    @Test
    void anUpdateWithAValidationCodeDropsThePartnersCodes() {
        wireMock.stubFor(get("/v1/customers/all/validations")
                .willReturn(okJson("[{\"validationId\": \"code\", \"maxCreates\": 5, \"remainingCreates\": 5}]")));
        wireMock.stubFor(post(urlPathEqualTo(QUALIFICATIONS))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"qualification\": \"GovernmentCommunityCloud\", \"vettingStatus\": \"InReview\"}")));
        PartnerCenterClient client = client(Duration.ofSeconds(30));

        client.validationCodes().block();
        client.createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null))
                .block();
        client.validationCodes().block();
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations"))))
                .as("an update without a code leaves the codes")
                .hasSize(1);

        client.createQualification(CUSTOMER, new QualificationUpdate("GovernmentCommunityCloud", null, null, "code"))
                .block();
        client.validationCodes().block();
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations"))))
                .hasSize(2);
    }

    @Test
    void aCustomerIsOneCustomerWhateverTheLetterCase() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        wireMock.stubFor(post(urlPathMatching("(?i)" + QUALIFICATIONS))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"qualification\": \"Education\", \"vettingStatus\": \"InReview\"}")));
        PartnerCenterClient client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).block();
        client.qualifications(CUSTOMER.toUpperCase()).block();
        assertThat(upstreamCalls()).isEqualTo(1);

        // An update spelled in capitals still makes the earlier answer stale.
        client.createQualification(CUSTOMER.toUpperCase(), new QualificationUpdate("Education", null, null, null))
                .block();
        client.qualifications(CUSTOMER).block();
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void aTtlOfZeroTurnsCachingOff() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        PartnerCenterClient client = client(Duration.ZERO);
        var status = new CacheStatus();

        client.qualifications(CUSTOMER)
                .contextWrite(Context.of(CacheStatus.class, status))
                .block();
        client.qualifications(CUSTOMER).block();

        assertThat(upstreamCalls()).isEqualTo(2);
        assertThat(status.headerValue()).isEqualTo("partner-center-bff; fwd=bypass");
    }
}
