package com.contoso.partnercenter.bff.partnercenter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The module's front door against a real HTTP server as Partner Center and Entra ID: every upstream call's path,
 * query, headers and token, and how each of Partner Center's failures comes out.
 */
class PartnerCenterTest {

    static final String CUSTOMER = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a";
    static final String TOKEN_PATH = "/tenant-1/oauth2/v2.0/token";

    @RegisterExtension
    static WireMockExtension wireMock = ModuleUnderTest.upstream();

    @RegisterExtension
    final ModuleUnderTest.Started modules = new ModuleUnderTest.Started(wireMock);

    PartnerCenter partnerCenter;

    @BeforeEach
    void setUp() {
        // Generous: the first token request of a cold JVM on a busy machine takes seconds.
        partnerCenter = module("partner-center.deadline=8s", "partner-center.auth.timeout=5s")
                .partnerCenter();
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=client_credentials"))
                .willReturn(okJson(token("app-only-token", null, 3599))));
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(okJson(token("app-user-token", "refresh-token-1", 3599))));
    }

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    ModuleUnderTest module(String... properties) {
        return modules.start(wireMock.baseUrl(), properties);
    }

    ModuleUnderTest moduleAt(String baseUrl, String... properties) {
        return modules.start(baseUrl, properties);
    }

    // A token of each kind held, so that a test times only its own call.
    static void gotAToken(PartnerCenter partnerCenter) {
        try {
            partnerCenter.validationCodes();
        } catch (PartnerCenterException noCodesStubbed) {
            // the token came all the same
        }
    }

    static LoggedRequest single(String path) {
        List<LoggedRequest> requests = wireMock.findAll(getRequestedFor(urlPathEqualTo(path)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    static String token(String accessToken, String refreshToken, int expiresIn) {
        return "{\"access_token\": \"" + accessToken + "\", \"token_type\": \"Bearer\", \"expires_in\": " + expiresIn
                + (refreshToken != null ? ", \"refresh_token\": \"" + refreshToken + "\"" : "") + "}";
    }

    @Test
    void validationCodesSendEveryDocumentedHeaderWithAnAppOnlyToken() {
        wireMock.stubFor(get("/v1/customers/all/validations").willReturn(okJson("""
                [{"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d", "organizationName": "Contoso, Inc.",
                  "validationId": 12345, "maxCreates": 5, "remainingCreates": null, "eTag": "W/\\"x\\""}]""")));
        String correlationId = UUID.randomUUID().toString();
        MDC.put(CorrelationId.MDC_KEY, correlationId);

        List<ValidationCode> codes = partnerCenter.validationCodes().value();

        assertThat(codes)
                .containsExactly(
                        new ValidationCode("12345", "Contoso, Inc.", "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d", 5, null));
        LoggedRequest request = single("/v1/customers/all/validations");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer app-only-token");
        assertThat(request.getHeader("Accept")).isEqualTo("application/json");
        assertThat(request.getHeader("MS-Contract-Version")).isEqualTo("v1");
        assertThat(request.getHeader("MS-CorrelationId")).isEqualTo(correlationId);
        assertThat(UUID.fromString(request.getHeader("MS-RequestId"))).isNotNull();
        assertThat(request.getHeader("MS-PartnerCenter-Application")).isEqualTo("portal-bff-test");
        assertThat(request.getHeader("X-Locale")).isEqualTo("de-DE");
        wireMock.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_id=client-1"))
                .withRequestBody(containing("client_secret=secret-1"))
                .withRequestBody(containing("scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default")));
    }

    @Test
    void eachCallHasItsOwnRequestIdAndTheAppOnlyTokenIsReused() {
        wireMock.stubFor(get("/v1/customers/all/validations").willReturn(okJson("[]")));

        partnerCenter.validationCodes().value();
        partnerCenter.validationCodes().value();

        List<LoggedRequest> calls = wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations")));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).getHeader("MS-RequestId"))
                .isNotEqualTo(calls.get(1).getHeader("MS-RequestId"));
        assertThat(wireMock.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))))
                .hasSize(1);
    }

    @Test
    void qualificationsAcceptBothDateSpellingsAndValuesNobodyKnowsYet() {
        wireMock.stubFor(get("/v1/customers/" + CUSTOMER + "/qualifications").willReturn(okJson("""
                [{"qualification": "Education", "vettingStatus": "InReview", "vettingCreatedDate": "2020-12-03T10:37:38.885Z"},
                 {"qualification": "GovernmentCommunityCloud", "vettingStatus": "Approved",
                  "vettingCreateDate": "2021-05-06T19:59:56.6832021+00:00"},
                 {"qualification": "SovereignCloud", "vettingStatus": "AwaitingDocuments",
                  "vettingCreatedDate": "2024-02-01T08:00:00", "somethingNew": true},
                 {"qualification": "StateOwnedEntity"}]""")));

        List<CustomerQualification> qualifications =
                partnerCenter.qualifications(CUSTOMER).value();

        assertThat(qualifications)
                .containsExactly(
                        new CustomerQualification("Education", "InReview", null, "2020-12-03T10:37:38.885Z"),
                        new CustomerQualification(
                                "GovernmentCommunityCloud", "Approved", null, "2021-05-06T19:59:56.683202100Z"),
                        new CustomerQualification("SovereignCloud", "AwaitingDocuments", null, "2024-02-01T08:00:00Z"),
                        new CustomerQualification("StateOwnedEntity", null, null, null));
        assertThat(single("/v1/customers/" + CUSTOMER + "/qualifications").getHeader("Authorization"))
                .isEqualTo("Bearer app-only-token");
    }

    @Test
    void theSynchronousQualificationComesInCanonicalSpelling() {
        wireMock.stubFor(
                get("/v1/customers/" + CUSTOMER + "/qualification").willReturn(okJson("\"governmentcommunitycloud\"")));
        assertThat(partnerCenter.qualification(CUSTOMER).value()).isEqualTo("GovernmentCommunityCloud");

        wireMock.stubFor(get("/v1/customers/" + CUSTOMER + "/qualification").willReturn(okJson("\"quantumcloud\"")));
        assertThat(partnerCenter.qualification(CUSTOMER).value()).isEqualTo("quantumcloud");
    }

    @Test
    void validationStatusAsksForTheAccountTypeWithAnAppUserToken() {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .withQueryParam("type", equalTo("account"))
                .willReturn(
                        okJson("{\"type\": \"account\", \"status\": \"Not Ready\", \"lastUpdateDateTime\": \"\"}")));

        ValidationStatus status = partnerCenter.validationStatus(CUSTOMER).value();

        assertThat(status).isEqualTo(new ValidationStatus("account", "Not Ready", null));
        assertThat(single("/v1/customers/" + CUSTOMER + "/validationStatus").getHeader("Authorization"))
                .isEqualTo("Bearer app-user-token");
        wireMock.verify(postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))
                .withRequestBody(containing("refresh_token=refresh-token-0"))
                .withRequestBody(containing("scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2F.default"))
                .withRequestBody(containing("client_secret=secret-1")));
    }

    @Test
    void gccQualificationSendsTheValidationCodeAsTheDocumentedQueryParameter() {
        wireMock.stubFor(post(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"qualification": "GovernmentCommunityCloud", "vettingStatus": "InReview",
                                 "vettingCreateDate": "2026-11-23T10:00:00.1234567+00:00"}""")));

        CustomerQualification created = partnerCenter
                .createQualification(
                        CUSTOMER, new QualificationUpdate("GovernmentCommunityCloud", "12345", null, null), null)
                .value()
                .qualification();

        assertThat(created)
                .isEqualTo(new CustomerQualification(
                        "GovernmentCommunityCloud", "InReview", null, "2026-11-23T10:00:00.123456700Z"));
        wireMock.verify(postRequestedFor(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .withQueryParam("code", equalTo("12345"))
                .withHeader("Authorization", equalTo("Bearer app-user-token"))
                .withHeader("Content-Type", containing("application/json"))
                .withHeader("MS-RequestId", matching("[0-9a-f-]{36}"))
                .withRequestBody(equalToJson("{\"qualification\": \"GovernmentCommunityCloud\"}")));
    }

    @Test
    void aValidationCodeWithReservedCharactersReachesPartnerCenterAsItWasSent() {
        String code = "a b&code=c+d/é?#%";
        wireMock.stubFor(post(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"qualification\": \"GovernmentCommunityCloud\", \"vettingStatus\": \"InReview\"}")));

        partnerCenter.createQualification(
                CUSTOMER, new QualificationUpdate("GovernmentCommunityCloud", code, null, null), null);

        wireMock.verify(postRequestedFor(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .withQueryParam("code", equalTo(code)));
        assertThat(wireMock.findAll(postRequestedFor(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications")))
                        .get(0)
                        .getUrl())
                .endsWith("?code=a%20b%26code%3Dc%2Bd%2F%C3%A9%3F%23%25");
    }

    @Test
    void classicApiFaultKeepsItsStatusAndStringCode() {
        wireMock.stubFor(post(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"code\": \"2001\", \"description\": \"Qualification already exists.\", \"data\": [],"
                                        + " \"source\": \"PartnerFD\"}")));

        assertThatThrownBy(() -> partnerCenter
                        .createQualification(CUSTOMER, new QualificationUpdate("Education", null, "K12", null), null)
                        .value()
                        .qualification())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("Qualification already exists.");
                    assertThat(e.upstreamErrorCode()).isEqualTo("2001");
                    assertThat(e.upstreamErrorName()).isNull();
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void newerErrorBodyWithNumericCodeIsReadAsAccountStatusNotFound() {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"code": 600074, "message": "Account Status for the customer, x was not found.",
                                 "description": "Account Status for the customer, x was not found.",
                                 "errorName": "AccountStatusNotFound", "isRetryable": false,
                                 "errorMessageExtended": "InternalErrorCode=600074"}""")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND);
                    assertThat(e.upstreamErrorCode()).isEqualTo("600074");
                    assertThat(e.upstreamErrorName()).isEqualTo("AccountStatusNotFound");
                    assertThat(e.isAccountStatusNotFound()).isTrue();
                });
    }

    @Test
    void aNotFoundWithAnotherCodeIsNotMistakenForAMissingAccountStatus() {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\": 600001, \"errorName\": \"CustomerNotFound\", \"isRetryable\": false}")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.isAccountStatusNotFound()).isFalse());
    }

    @Test
    void throttlingBodyBecomesA503WithTheUpstreamWait() {
        wireMock.stubFor(
                get("/v1/customers/all/validations")
                        .willReturn(
                                aResponse()
                                        .withStatus(429)
                                        .withHeader("Retry-After", "57")
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 57 seconds.\"}")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(57));
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void upstreamRefusingOurCredentialsIsABadGateway() {
        wireMock.stubFor(get("/v1/customers/all/validations")
                .willReturn(
                        aResponse().withStatus(403).withBody("{\"code\": \"403\", \"description\": \"Forbidden\"}")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.type()).isEqualTo("upstream-credentials");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void serverErrorsCarryTheUpstreamRetryableFlag() {
        wireMock.stubFor(
                get("/v1/customers/all/validations")
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withBody(
                                                "{\"code\": 600010, \"errorName\": \"RequestProcessingFailed\", \"isRetryable\": false}")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.upstreamErrorCode()).isEqualTo("600010");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void malformedJsonIsABadGateway() {
        wireMock.stubFor(get("/v1/customers/all/validations").willReturn(okJson("[{\"validationId\": ")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.type()).isEqualTo("upstream-malformed");
                });
    }

    @Test
    void aBodyOfTheWrongShapeIsABadGateway() {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(okJson("[1, 2]")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class, e -> assertThat(e.type()).isEqualTo("upstream-malformed"));
    }

    @Test
    void aResetConnectionIsABadGateway() {
        wireMock.stubFor(
                get("/v1/customers/all/validations").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.type()).isEqualTo("upstream-unreachable");
                });
    }

    @Test
    void anAnswerPastTheDeadlineIsAGatewayTimeoutAndDoesNotWaitForIt() {
        PartnerCenter hasty = module("partner-center.deadline=2s", "partner-center.auth.timeout=1s")
                .partnerCenter();
        gotAToken(hasty); // so only the call is timed
        wireMock.stubFor(
                get("/v1/customers/all/validations").willReturn(okJson("[]").withFixedDelay(5_000)));
        long started = System.nanoTime();

        assertThatThrownBy(() -> hasty.validationCodes().value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    /** A request that already waited (for another replica's answer) has only what is left of its deadline. */
    @Test
    void aCallAfterAWaitGetsOnlyWhatIsLeftOfTheDeadline() {
        PartnerCenter patient = module("partner-center.deadline=10s", "partner-center.auth.timeout=1s")
                .partnerCenter();
        // The token, so only the call is timed.
        assertThatThrownBy(() -> patient.validationStatus(OTHER)).isInstanceOf(PartnerCenterException.class);
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"Allowed\"}")
                        .withFixedDelay(5_000)));
        long started = System.nanoTime();

        assertThatThrownBy(() -> patient.validationStatus(
                        CUSTOMER, lastKnown -> true, Instant.now().plusSeconds(1)))
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBareNotFoundIsNoProofOfAMissingAccountStatus() {
        // A wrong base URL or a proxy's page must not make every customer eligible.
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(aResponse().withStatus(404).withBody("<html>Not Found</html>")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.isAccountStatusNotFound()).isFalse());
    }

    @Test
    void anUpdateThatNeverReachedPartnerCenterIsRetried() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ModuleUnderTest module = moduleAt(
                "http://127.0.0.1:" + closedPort, "partner-center.deadline=5s", "partner-center.auth.timeout=1s");
        PartnerCenter refused = module.partnerCenter();
        MeterRegistry meters = module.meters();

        assertThatThrownBy(() -> refused.createQualification(
                                CUSTOMER, new QualificationUpdate("Education", null, null, null), null)
                        .value()
                        .qualification())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.type()).isEqualTo("upstream-unreachable");
                    // Partner Center never saw it, so the portal may safely send it again.
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(meters.counter(
                                "partner.center.upstream.attempts",
                                "operation",
                                "qualification-update",
                                "outcome",
                                "unreachable")
                        .count())
                .isEqualTo(3);
    }

    @Test
    void aTokenPartnerCenterRefusesIsNotSentAgain() {
        wireMock.stubFor(get("/v1/customers/all/validations")
                .inScenario("revoked")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("renewed")
                .willReturn(aResponse().withStatus(401)));
        wireMock.stubFor(get("/v1/customers/all/validations")
                .inScenario("revoked")
                .whenScenarioStateIs("renewed")
                .willReturn(okJson("[]")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value()).isInstanceOf(PartnerCenterException.class);
        assertThat(partnerCenter.validationCodes().value()).isEmpty();

        wireMock.verify(
                2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withRequestBody(containing("client_credentials")));
    }

    @Test
    void concurrentCallsShareOneTokenRequest() {
        wireMock.stubFor(post(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(
                        okJson(token("app-user-token", "refresh-token-1", 3599)).withFixedDelay(300)));
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}")));

        List<ValidationStatus> statuses = Flux.range(0, 6)
                .flatMap(i -> Mono.fromCallable(
                                () -> partnerCenter.validationStatus(CUSTOMER).value())
                        .subscribeOn(Schedulers.boundedElastic()))
                .collectList()
                .block();

        assertThat(statuses).hasSize(6);
        wireMock.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)).withRequestBody(containing("refresh_token")));
    }

    // --- answers real Partner Center users recorded, beyond the documents ---

    @Test
    void answersAndErrorsAfterAByteOrderMarkAreRead() {
        wireMock.stubFor(
                get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json; charset=utf-8")
                                        .withBody(
                                                "\uFEFF{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}")));
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + OTHER + "/validationStatus"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("\uFEFF{\"code\": 600074, \"errorName\": \"AccountStatusNotFound\","
                                + " \"isRetryable\": false}")));

        assertThat(partnerCenter.validationStatus(CUSTOMER).value().status()).isEqualTo("Allowed");
        assertThatThrownBy(() -> partnerCenter.validationStatus(OTHER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.isAccountStatusNotFound()).isTrue());
    }

    @Test
    void aBareJsonStringAsTheErrorBodyIsTheDetail() {
        wireMock.stubFor(post(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/qualifications"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("\"Customer tagging denied.\"")));

        assertThatThrownBy(() -> partnerCenter
                        .createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null), null)
                        .value()
                        .qualification())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("Customer tagging denied.");
                });
    }

    @Test
    void noRelationshipWithTheCustomerIsThatCustomersProblemNotOurCredentials() {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20002,\"description\":\"No relationship between caller and"
                                + " account.\",\"data\":[],\"source\":\"PartnerFD\"}")));

        assertThatThrownBy(() -> partnerCenter.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN);
                    assertThat(e.type()).isEqualTo("no-relationship");
                    assertThat(e.upstreamErrorCode()).isEqualTo("20002");
                    assertThat(e.getMessage()).isEqualTo("No relationship between caller and account.");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.countsForBreaker()).isFalse();
                });
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/" + CUSTOMER + "/validationStatus"))))
                .hasSize(1);
    }

    // --- one rule: what the portal is told retryable is what the service retries ---

    @Test
    void aServerErrorThatAskingAgainCannotMendIsNeitherRetriedNorRetryable() {
        wireMock.stubFor(
                get("/v1/customers/all/validations").willReturn(aResponse().withStatus(501)));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.countsForBreaker()).isTrue();
                });
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations"))))
                .hasSize(1);
    }

    @Test
    void aThrottledUpdateWasNotAppliedSoItIsRetriedAfterItsWait() {
        String path = "/v1/customers/" + CUSTOMER + "/qualifications";
        wireMock.stubFor(post(urlPathEqualTo(path))
                .inScenario("throttled")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("free")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        wireMock.stubFor(post(urlPathEqualTo(path))
                .inScenario("throttled")
                .whenScenarioStateIs("free")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"qualification\": \"Education\", \"vettingStatus\": \"InReview\"}")));

        CustomerQualification created = partnerCenter
                .createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null), null)
                .value()
                .qualification();

        assertThat(created.vettingStatus()).isEqualTo("InReview");
        assertThat(wireMock.findAll(postRequestedFor(urlPathEqualTo(path)))).hasSize(2);
    }

    @Test
    void anUpdateAnsweredWithAServerErrorMayHaveBeenAppliedSoItIsNeitherRetriedNorRetryable() {
        String path = "/v1/customers/" + CUSTOMER + "/qualifications";
        wireMock.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> partnerCenter
                        .createQualification(CUSTOMER, new QualificationUpdate("Education", null, null, null), null)
                        .value()
                        .qualification())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("may have applied the update");
                });
        assertThat(wireMock.findAll(postRequestedFor(urlPathEqualTo(path)))).hasSize(1);
    }

    // --- throttle gates ---

    static final String OTHER = "7d0e3f6b-2c41-4b7e-9a57-0c6f1e2d3b4a";

    void throttle(String customer) {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus"))
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "57")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"statusCode\": 429, \"message\": \"Rate limit is exceeded.\"}")));
    }

    void allow(String customer) {
        wireMock.stubFor(get(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus"))
                .willReturn(okJson("{\"type\": \"account\", \"status\": \"Allowed\"}")));
    }

    int asked(String customer) {
        return wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus")))
                .size();
    }

    @Test
    void aThrottledCustomerIsNotAskedAgainUntilItsWaitIsOverButOthersAre() {
        ModuleUnderTest module = module("partner-center.deadline=2s", "partner-center.auth.timeout=1s");
        PartnerCenter gated = module.partnerCenter();
        MeterRegistry meters = module.meters();
        throttle(CUSTOMER);
        allow(OTHER);

        assertThatThrownBy(() -> gated.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(57));
        assertThatThrownBy(() -> gated.validationStatus(CUSTOMER).value())
                .isInstanceOfSatisfying(PartnerCenterException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.type()).isEqualTo("throttled");
                    assertThat(e.kind()).isEqualTo(FailureKind.GATE_CLOSED);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfterSeconds()).isBetween(55L, 57L);
                    assertThat(e.getMessage()).contains("for " + e.retryAfterSeconds() + " s");
                });
        assertThat(gated.validationStatus(OTHER).value().status()).isEqualTo("Allowed");

        assertThat(asked(CUSTOMER)).isEqualTo(1);
        assertThat(asked(OTHER)).isEqualTo(1);
        assertThat(meters.counter("partner.center.throttle.gate.closed", "operation", "validation-status")
                        .count())
                .isEqualTo(1);
        assertThat(meters.counter("partner.center.throttle.gate.refused", "operation", "validation-status")
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("partner.center.throttle.gates.closed")
                        .tag("operation", "validation-status")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void aPartnerScopedGateHoldsBackEveryCustomersCallsOfThatOperation() {
        PartnerCenter gated = module(
                        "partner-center.deadline=8s",
                        "partner-center.auth.timeout=5s",
                        "partner-center.throttle.scope.validation-status=partner")
                .partnerCenter();
        throttle(CUSTOMER);
        allow(OTHER);
        wireMock.stubFor(get("/v1/customers/" + OTHER + "/qualifications").willReturn(okJson("[]")));

        assertThatThrownBy(() -> gated.validationStatus(CUSTOMER).value()).isInstanceOf(PartnerCenterException.class);
        assertThatThrownBy(() -> gated.validationStatus(OTHER).value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.GATE_CLOSED));

        assertThat(asked(OTHER)).isZero();
        // Another operation has its own gate.
        assertThat(gated.qualifications(OTHER).value()).isEmpty();
    }

    @Test
    void theValidationCodesGateIsAlwaysThePartners() {
        wireMock.stubFor(get("/v1/customers/all/validations")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        assertThatThrownBy(() -> partnerCenter.validationCodes().value()).isInstanceOf(PartnerCenterException.class);
        assertThatThrownBy(() -> partnerCenter.validationCodes().value())
                .isInstanceOfSatisfying(
                        PartnerCenterException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.GATE_CLOSED));
        assertThat(wireMock.findAll(getRequestedFor(urlPathEqualTo("/v1/customers/all/validations"))))
                .hasSize(1);
    }
}
