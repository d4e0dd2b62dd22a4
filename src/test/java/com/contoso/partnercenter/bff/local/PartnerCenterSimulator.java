package com.contoso.partnercenter.bff.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.util.List;

/**
 * Partner Center as the local run meets it: WireMock answering the five operations with the bodies of the
 * seed documents and of what we learned of the real API, one customer id per scenario. The portal developers'
 * guide lists them. Any other customer id has no account status, no qualifications and the qualification "none". A
 * qualification POSTed for a customer is in its list afterwards.
 */
public final class PartnerCenterSimulator {

    public static final String ALLOWED = customer(1);
    public static final String UNDER_REVIEW = customer(2);
    public static final String NOT_ALLOWED = customer(3);
    public static final String UNKNOWN = customer(4);
    public static final String NOT_READY = customer(5);
    public static final String NO_STATUS = customer(6);
    public static final String EDUCATION_APPROVED = customer(7);
    public static final String EDUCATION_IN_REVIEW = customer(8);
    public static final String EDUCATION_DENIED = customer(9);
    public static final String GCC_AND_STATE_OWNED = customer(10);
    public static final String NEW_QUALIFICATION = customer(11);
    public static final String NO_QUALIFICATIONS = customer(12);
    public static final String THROTTLED = customer(13);
    public static final String TRANSIENT_FAILURE = customer(14);
    public static final String PERMANENT_FAILURE = customer(15);
    public static final String SLOW = customer(16);
    public static final String DOWN = customer(17);
    public static final String HANGS = customer(18);
    /** Answers, errors included, with a UTF-8 byte order mark before the JSON (seen by a user in 2025). */
    public static final String BYTE_ORDER_MARK = customer(19);
    /** Every call answered 400 with a bare JSON string as the body. */
    public static final String BARE_STRING_ERROR = customer(20);
    /** Every call answered 403 with ApiFault 20002: the partner has no relationship with the customer. */
    public static final String NO_RELATIONSHIP = customer(21);

    /** A GCC validation code Partner Center rejects (400, classic ApiFault). */
    public static final String INVALID_VALIDATION_CODE = "00000";

    /**
     * The outage switch: with this WireMock scenario in state {@link #OUTAGE_DOWN} ({@code PUT
     * /__admin/scenarios/partner-center-outage/state} with {@code {"state": "down"}}; {@code POST
     * /__admin/scenarios/reset} ends it),
     * every Partner Center call fails 503 {@code isRetryable: true}, as in an outage.
     */
    public static final String OUTAGE = "partner-center-outage";

    public static final String OUTAGE_DOWN = "down";

    /**
     * The MFA switch: with this scenario in state {@link #MFA_ENFORCED} ({@code PUT
     * /__admin/scenarios/partner-center-mfa/state} with {@code {"state": "enforced"}}; {@code POST
     * /__admin/scenarios/reset} ends it), every App+User call (validation status, the qualification update) is
     * answered 401 with error code 900421, as Partner Center answers a user token without MFA since April 2026;
     * App-only calls go on.
     */
    public static final String MFA = "partner-center-mfa";

    public static final String MFA_ENFORCED = "enforced";

    /**
     * The review switch: with this scenario in state {@link #REVIEW_DECIDED} ({@code PUT
     * /__admin/scenarios/partner-center-review/state} with {@code {"state": "decided"}}; {@code POST
     * /__admin/scenarios/reset} ends it), Microsoft has decided on the customer under review ({@link #UNDER_REVIEW}):
     * its account status is Allowed, as a watch of it sees at its next reading.
     */
    public static final String REVIEW = "partner-center-review";

    public static final String REVIEW_DECIDED = "decided";

    private static final int OUTAGE_PRIORITY = 1;
    private static final int SPECIFIC = 2;
    private static final int GENERAL = 5;
    private static final int FALLBACK = 10;

    private PartnerCenterSimulator() {}

    private static String customer(int n) {
        return String.format("c0ffee00-0000-4000-8000-%012d", n);
    }

    public static WireMockServer start(int port) {
        var kept = new KeptQualifications();
        WireMockServer server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .port(port)
                .templatingEnabled(true)
                .extensions(kept)
                .containerThreads(32));
        server.start();
        stubAll(server);
        KEPT.put(server, kept);
        return server;
    }

    /**
     * Back to how it started: its own answers only (a test's stubs gone), every scenario (outage, MFA) at its start,
     * no requests logged, no qualification kept from an update.
     */
    public static void reset(WireMockServer server) {
        server.resetAll();
        stubAll(server);
        KeptQualifications kept = KEPT.get(server);
        if (kept != null) {
            kept.forget();
        }
    }

    private static final java.util.Map<WireMockServer, KeptQualifications> KEPT =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    static void stubAll(WireMockServer server) {
        // Partner Center refuses calls without a token.
        server.stubFor(any(anyUrl()).atPriority(FALLBACK).willReturn(json(401, """
                        {"code": "401", "description": "Authorization token is missing or invalid.", "source": "PartnerFD"}
                        """)));

        server.stubFor(authorized(get(urlPathEqualTo("/v1/customers/all/validations")), GENERAL)
                .willReturn(json(200, """
                        [
                          {"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d", "organizationName": "Contoso, Inc.",
                           "validationId": "12345", "maxCreates": 5, "remainingCreates": 4,
                           "eTag": "W/\\"datetime'2018-10-10T18%3A49%3A58.727348Z'\\""},
                          {"partnerId": "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d",
                           "organizationName": "Contoso, Inc. Finance Department",
                           "validationId": "987654", "maxCreates": 5, "remainingCreates": 5,
                           "eTag": "W/\\"datetime'2018-10-19T17%3A51%3A45.6584512Z'\\""}
                        ]
                        """)));

        stubDefaults(server);
        stubStatuses(server);
        stubQualifications(server);
        stubFailures(server);
        stubSeenInTheWild(server);
    }

    // Shapes real users recorded from the real API, beyond the documents (partner-center-notes.md).
    private static void stubSeenInTheWild(WireMockServer server) {
        String bom = "\uFEFF";
        status(server, BYTE_ORDER_MARK, "Allowed", 0, bom);
        qualifications(
                server,
                BYTE_ORDER_MARK,
                "education",
                "[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]",
                bom);
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + BARE_STRING_ERROR + "/.*")), SPECIFIC)
                .willReturn(json(400, "\"Customer tagging denied.\"")));
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + NO_RELATIONSHIP + "/.*")), SPECIFIC)
                .willReturn(json(403, """
                        {"code":20002,"description":"No relationship between caller and account.","data":[],"source":"PartnerFD"}
                        """)));
    }

    private static void stubDefaults(WireMockServer server) {
        server.stubFor(authorized(get(urlPathMatching("/v1/customers/[^/]+/validationStatus")), GENERAL)
                .willReturn(json(404, """
                        {"code": 600074, "message": "Account Status for the customer, {{request.pathSegments.[2]}} was not found.",
                         "description": "Account Status for the customer, {{request.pathSegments.[2]}} was not found.",
                         "errorName": "AccountStatusNotFound", "isRetryable": false,
                         "errorMessageExtended": "InternalErrorCode=600074"}
                        """)));
        server.stubFor(authorized(get(urlPathMatching("/v1/customers/[^/]+/qualifications")), GENERAL)
                .willReturn(json(200, "[]").withTransformers("response-template", KeptQualifications.NAME)));
        server.stubFor(authorized(get(urlPathMatching("/v1/customers/[^/]+/qualification")), GENERAL)
                .willReturn(json(200, "\"none\"")));
        // The POST document's answer: the created qualification, spelled vettingCreateDate there.
        server.stubFor(authorized(post(urlPathMatching("/v1/customers/[^/]+/qualifications")), GENERAL)
                .willReturn(json(201, """
                        {"qualification": "{{jsonPath request.body '$.qualification'}}", "vettingStatus": "InReview",
                         "vettingCreateDate": "{{now format="yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'+00:00'"}}"}
                        """).withTransformers("response-template", KeptQualifications.NAME)));
        server.stubFor(authorized(post(urlPathMatching("/v1/customers/[^/]+/qualifications")), SPECIFIC)
                .withQueryParam("code", equalTo(INVALID_VALIDATION_CODE))
                .willReturn(json(400, """
                        {"code": "2000", "description": "The validation code is not valid for this partner.",
                         "data": [], "source": "PartnerFD"}
                        """)));
    }

    private static void stubStatuses(WireMockServer server) {
        status(server, ALLOWED, "Allowed");
        status(server, UNDER_REVIEW, "UnderReview");
        // Added after the one above at the same priority, so it wins while its scenario is in that state.
        server.stubFor(authorized(get(urlPathEqualTo("/v1/customers/" + UNDER_REVIEW + "/validationStatus")), SPECIFIC)
                .inScenario(REVIEW)
                .whenScenarioStateIs(REVIEW_DECIDED)
                .willReturn(
                        json(200, "{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}")));
        status(server, NOT_ALLOWED, "NotAllowed");
        status(server, UNKNOWN, "Unknown");
        status(server, NOT_READY, "Not Ready");
        for (String customer : new String[] {
            EDUCATION_APPROVED,
            EDUCATION_IN_REVIEW,
            EDUCATION_DENIED,
            GCC_AND_STATE_OWNED,
            NEW_QUALIFICATION,
            NO_QUALIFICATIONS
        }) {
            status(server, customer, "Allowed");
        }
    }

    private static void stubQualifications(WireMockServer server) {
        qualifications(server, EDUCATION_APPROVED, "education", """
                [{"qualification": "Education", "vettingStatus": "Approved"}]""");
        qualifications(server, EDUCATION_IN_REVIEW, "education", """
                [{"qualification": "Education", "vettingStatus": "InReview", "vettingCreatedDate": "2020-12-03T10:37:38.885Z"}]""");
        qualifications(server, EDUCATION_DENIED, "education", """
                [{"qualification": "Education", "vettingStatus": "Denied", "vettingReason": "Not an Education Customer",
                  "vettingCreatedDate": "2020-12-03T10:37:38.885Z"}]""");
        qualifications(server, GCC_AND_STATE_OWNED, "governmentcommunitycloud", """
                [{"qualification": "GovernmentCommunityCloud", "vettingStatus": "Approved",
                  "vettingCreateDate": "2021-05-06T19:59:56.6832021+00:00"},
                 {"qualification": "StateOwnedEntity"}]""");
        qualifications(server, NEW_QUALIFICATION, "sovereigncloud", """
                [{"qualification": "SovereignCloud", "vettingStatus": "AwaitingDocuments",
                  "vettingCreatedDate": "2026-02-01T08:00:00"}]""");
        qualifications(server, NO_QUALIFICATIONS, "none", "[]");
    }

    private static void stubFailures(WireMockServer server) {
        for (MappingBuilder appUser : List.of(
                get(urlPathMatching("/v1/customers/[^/]+/validationStatus")),
                post(urlPathMatching("/v1/customers/[^/]+/qualifications")),
                // The service's MFA proof of a consent: an App+User call that asks Partner Center to check the MFA.
                get(urlPathEqualTo("/v1/customers/all/validations")).withHeader("ValidateMfa", equalTo("true")))) {
            server.stubFor(authorized(appUser, OUTAGE_PRIORITY)
                    .inScenario(MFA)
                    .whenScenarioStateIs(MFA_ENFORCED)
                    .willReturn(json(401, """
                            {"code": "900421", "description": "The user token does not satisfy multi-factor authentication\
                             requirements. Re-consent with a user signed in with MFA.", "data": [], "source": "PartnerFD",\
                             "isRetryable": false}
                            """)));
        }
        server.stubFor(authorized(any(urlPathMatching("/v1/.*")), OUTAGE_PRIORITY)
                .inScenario(OUTAGE)
                .whenScenarioStateIs(OUTAGE_DOWN)
                .willReturn(json(503, """
                        {"code": 503, "description": "The service is unavailable.", "isRetryable": true}
                        """)));
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + THROTTLED + "/.*")), SPECIFIC)
                .willReturn(json(429, """
                        {"statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds."}
                        """).withHeader("Retry-After", "57")));
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + PERMANENT_FAILURE + "/.*")), SPECIFIC)
                .willReturn(json(500, """
                        {"code": 600010, "message": "The request could not be processed.",
                         "description": "The request could not be processed.", "errorName": "RequestProcessingFailed",
                         "isRetryable": false, "errorMessageExtended": "InternalErrorCode=600010"}
                        """)));
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + DOWN + "/.*")), SPECIFIC)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        server.stubFor(authorized(any(urlPathMatching("/v1/customers/" + HANGS + "/.*")), SPECIFIC)
                .willReturn(json(200, "{}").withFixedDelay(40_000)));

        status(server, SLOW, "Allowed", 3_000);
        qualifications(
                server, SLOW, "education", "[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]");

        // Fails once, then answers; and again, so the scenario can be tried by hand as often as one likes.
        for (String path : new String[] {"validationStatus", "qualifications", "qualification"}) {
            String scenario = "transient " + path;
            String url = "/v1/customers/" + TRANSIENT_FAILURE + "/" + path;
            server.stubFor(authorized(get(urlPathEqualTo(url)), SPECIFIC)
                    .inScenario(scenario)
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willSetStateTo("recovering")
                    .willReturn(json(503, """
                            {"code": 600001, "message": "The service is temporarily unavailable.",
                             "description": "The service is temporarily unavailable.", "errorName": "ServiceUnavailable",
                             "isRetryable": true, "errorMessageExtended": "InternalErrorCode=600001"}
                            """)));
            server.stubFor(authorized(get(urlPathEqualTo(url)), SPECIFIC)
                    .inScenario(scenario)
                    .whenScenarioStateIs("recovering")
                    .willSetStateTo(Scenario.STARTED)
                    .willReturn(json(
                            200,
                            switch (path) {
                                case "validationStatus" ->
                                    "{\"type\": \"account\", \"status\": \"Allowed\", \"lastUpdateDateTime\": \"\"}";
                                case "qualifications" ->
                                    "[{\"qualification\": \"Education\", \"vettingStatus\": \"Approved\"}]";
                                default -> "\"education\"";
                            })));
        }
    }

    private static void status(WireMockServer server, String customer, String status) {
        status(server, customer, status, 0);
    }

    private static void status(WireMockServer server, String customer, String status, int delayMillis) {
        status(server, customer, status, delayMillis, "");
    }

    private static void status(WireMockServer server, String customer, String status, int delayMillis, String before) {
        server.stubFor(authorized(get(urlPathEqualTo("/v1/customers/" + customer + "/validationStatus")), SPECIFIC)
                .withQueryParam("type", equalTo("account"))
                .willReturn(json(
                                200,
                                before + "{\"type\": \"account\", \"status\": \"" + status
                                        + "\", \"lastUpdateDateTime\": \"\"}")
                        .withFixedDelay(delayMillis)));
    }

    private static void qualifications(WireMockServer server, String customer, String syncValue, String list) {
        qualifications(server, customer, syncValue, list, "");
    }

    private static void qualifications(
            WireMockServer server, String customer, String syncValue, String list, String before) {
        server.stubFor(authorized(get(urlPathEqualTo("/v1/customers/" + customer + "/qualifications")), SPECIFIC)
                .willReturn(json(200, before + list).withTransformers("response-template", KeptQualifications.NAME)));
        server.stubFor(authorized(get(urlPathEqualTo("/v1/customers/" + customer + "/qualification")), SPECIFIC)
                .willReturn(json(200, before + "\"" + syncValue + "\"")));
    }

    private static MappingBuilder authorized(MappingBuilder mapping, int priority) {
        return mapping.atPriority(priority).withHeader("Authorization", matching("Bearer .+"));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("MS-CorrelationId", "{{request.headers.MS-CorrelationId}}")
                .withHeader("MS-RequestId", "{{request.headers.MS-RequestId}}")
                .withBody(body)
                .withTransformers("response-template");
    }
}
