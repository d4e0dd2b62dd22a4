package com.contoso.partnercenter.bff.partnercenter;

import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.CUSTOMER;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.TOKEN_PATH;
import static com.contoso.partnercenter.bff.partnercenter.PartnerCenterTest.token;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Caching and request coalescing in front of a real HTTP Partner Center. */
class ResponseCacheTest {

    static final String QUALIFICATIONS = "/v1/customers/" + CUSTOMER + "/qualifications";

    @RegisterExtension
    static WireMockExtension wireMock = ModuleUnderTest.upstream();

    @RegisterExtension
    final ModuleUnderTest.Started modules = new ModuleUnderTest.Started(wireMock);

    MeterRegistry meters;

    @BeforeEach
    void tokens() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(okJson(token("token", "refresh-token-1", 3599))));
    }

    PartnerCenter client(Duration ttl) {
        ModuleUnderTest module = modules.start(
                wireMock.baseUrl(),
                "partner-center.deadline=5s",
                "partner-center.auth.timeout=1s",
                "partner-center.cache.ttl=" + ttl.toMillis() + "ms");
        meters = module.meters();
        return module.partnerCenter();
    }

    int upstreamCalls() {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo(QUALIFICATIONS))).size();
    }

    @Test
    void concurrentRequestsForOneCustomerMakeOneUpstreamCallAndAllGetItsAnswer() {
        wireMock.stubFor(get(QUALIFICATIONS)
                .willReturn(okJson("[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]")
                        .withFixedDelay(500)));
        PartnerCenter client = client(Duration.ofSeconds(30));

        List<Answer<List<CustomerQualification>>> answers = Flux.range(0, 20)
                .flatMap(i -> Mono.fromCallable(() -> client.qualifications(CUSTOMER))
                        .subscribeOn(Schedulers.boundedElastic()))
                .collectList()
                .block();

        assertThat(answers)
                .hasSize(20)
                .allSatisfy(answer -> assertThat(answer.value())
                        .extracting(CustomerQualification::vettingStatus)
                        .containsExactly("Approved"));
        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(answers).extracting(Answer::cacheStatus).containsOnlyOnce("partner-center-bff; fwd=miss");
        assertThat(answers)
                .extracting(Answer::cacheStatus)
                .filteredOn(value -> value.endsWith("collapsed"))
                .hasSize(19);
        assertThat(meters.counter("partner.center.cache.requests", "operation", "qualifications", "result", "collapsed")
                        .count())
                .isEqualTo(19);

        assertThat(client.qualifications(CUSTOMER).cacheStatus()).isEqualTo("partner-center-bff; hit");
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
        PartnerCenter client = client(Duration.ofSeconds(30));

        assertThatThrownBy(() -> client.qualifications(CUSTOMER).value()).isInstanceOf(PartnerCenterException.class);
        assertThat(client.qualifications(CUSTOMER).value()).isEmpty();
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
        PartnerCenter client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).value();
        client.qualifications(CUSTOMER).value();
        client.createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null), null);
        client.qualifications(CUSTOMER).value();

        assertThat(upstreamCalls()).isEqualTo(2);
    }

    /** An update that may have been applied (its connection broke) drops what was kept from before it too. */
    @Test
    void anUpdateWhoseOutcomeIsUnknownDropsTheCustomersAnswers() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        wireMock.stubFor(post(urlPathEqualTo(QUALIFICATIONS))
                .willReturn(
                        aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        PartnerCenter client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).value();
        assertThatThrownBy(() -> client.createQualification(
                        CUSTOMER, new QualificationUpdate("Education", null, null, null), null))
                .isInstanceOf(PartnerCenterException.class);
        client.qualifications(CUSTOMER).value();

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
        PartnerCenter client = client(Duration.ofSeconds(30));

        client.validationCodes().value();
        client.createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null), null);
        client.validationCodes().value();
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations"))))
                .as("an update without a code leaves the codes")
                .hasSize(1);

        client.createQualification(
                CUSTOMER, new QualificationUpdate("GovernmentCommunityCloud", "code", null, null), null);
        client.validationCodes().value();
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
        PartnerCenter client = client(Duration.ofSeconds(30));

        client.qualifications(CUSTOMER).value();
        client.qualifications(CUSTOMER.toUpperCase()).value();
        assertThat(upstreamCalls()).isEqualTo(1);

        // An update spelled in capitals still makes the earlier answer stale.
        client.createQualification(
                CUSTOMER.toUpperCase(), new QualificationUpdate("Education", null, null, null), null);
        client.qualifications(CUSTOMER).value();
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void aTtlOfZeroTurnsCachingOff() {
        wireMock.stubFor(get(QUALIFICATIONS).willReturn(okJson("[]")));
        PartnerCenter client = client(Duration.ZERO);

        Answer<List<CustomerQualification>> first = client.qualifications(CUSTOMER);
        client.qualifications(CUSTOMER);

        assertThat(upstreamCalls()).isEqualTo(2);
        assertThat(first.cacheStatus()).isEqualTo("partner-center-bff; fwd=bypass");
    }
}
