package com.contoso.partnercenter.bff.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.contoso.partnercenter.bff.ApiSliceTest;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.ValidationStatus;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester.MockMvcRequestBuilder;
import reactor.core.publisher.Mono;

class PurchaseEligibilityBatchApiTest extends ApiSliceTest {

    static final String PATH = "/api/v1/purchase-eligibility/batch";
    static final String ALLOWED = "c0ffee00-0000-4000-8000-000000000001";
    static final String REVIEW = "c0ffee00-0000-4000-8000-000000000002";
    static final String THROTTLED = "c0ffee00-0000-4000-8000-000000000013";

    MockMvcRequestBuilder batch(String json) {
        return mvc.post()
                .uri(PATH)
                .contentType(MediaType.APPLICATION_JSON)
                .content(json)
                .with(reader());
    }

    static String ids(List<String> ids) {
        return ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "{\"customerIds\":[", "]}"));
    }

    static String customer(int n) {
        return "%08x-0000-4000-8000-000000000000".formatted(n);
    }

    void status(String customerId, String status) {
        given(partnerCenter.validationStatus(eq(customerId), any(), any()))
                .willReturn(answer(new ValidationStatus("account", status, null)));
    }

    @Test
    void oneFailingCustomerNeverFailsTheList() {
        status(ALLOWED, "Allowed");
        status(REVIEW, "UnderReview");
        given(partnerCenter.validationStatus(eq(THROTTLED), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        429,
                        new UpstreamError("429", "TooManyRequests", null, null),
                        Duration.ofSeconds(57)));

        assertThat(batch(ids(List.of(ALLOWED, THROTTLED, REVIEW))))
                .hasStatusOk()
                // No cache in front of this mocked client: every customer bypassed it.
                .hasHeader("Cache-Status", "partner-center-bff; fwd=bypass")
                .bodyJson()
                .isStrictlyEqualTo("""
                        {"items": [
                          {"customerId": "%s", "eligible": true, "accountStatus": "Allowed",
                           "reason": "The customer's account is allowed to purchase."},
                          {"customerId": "%s", "type": "urn:partner-center-bff:problem:throttled",
                           "title": "Partner Center is throttling requests", "status": 503,
                           "detail": "Partner Center asked to wait 57 s before the next request.",
                           "retryable": true, "upstreamErrorCode": "429", "upstreamErrorName": "TooManyRequests",
                           "retryAfter": 57},
                          {"customerId": "%s", "eligible": false, "accountStatus": "UnderReview",
                           "reason": "Purchases are blocked while the customer's account is under review."}
                        ]}
                        """.formatted(ALLOWED, THROTTLED, REVIEW));
    }

    @Test
    void eachItemIsTheAnswerTheSingleEndpointWouldGive() {
        given(partnerCenter.validationStatus(eq(ALLOWED), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        404,
                        new UpstreamError("600074", "AccountStatusNotFound", "not found", false),
                        null));
        given(partnerCenter.validationStatus(eq(REVIEW), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS, 500, new UpstreamError(null, null, null, false), null));

        assertThat(batch(ids(List.of(ALLOWED, REVIEW))))
                .hasStatusOk()
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.items[0].eligible").isEqualTo(true);
                    assertThat(body).extractingPath("$.items[0].accountStatus").isNull();
                    assertThat(body).extractingPath("$.items[1].customerId").isEqualTo(REVIEW);
                    assertThat(body).extractingPath("$.items[1].status").isEqualTo(502);
                    assertThat(body).extractingPath("$.items[1].retryable").isEqualTo(false);
                    assertThat(body).doesNotHavePath("$.items[1].eligible");
                    assertThat(body).doesNotHavePath("$.items[1].retryAfter");
                });
    }

    @Test
    void aRepeatedCustomerIsAskedAndAnsweredOnceInTheOrderFirstGiven() {
        status(REVIEW, "UnderReview");
        status(ALLOWED, "Allowed");

        assertThat(batch(ids(List.of(REVIEW, ALLOWED, REVIEW, ALLOWED.toUpperCase()))))
                .hasStatusOk()
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.items.length()").isEqualTo(2);
                    assertThat(body).extractingPath("$.items[0].customerId").isEqualTo(REVIEW);
                    assertThat(body).extractingPath("$.items[1].customerId").isEqualTo(ALLOWED);
                });
        verify(partnerCenter, times(1)).validationStatus(eq(REVIEW), any(), any());
        verify(partnerCenter, times(1)).validationStatus(eq(ALLOWED), any(), any());
    }

    @Test
    void oneHundredCustomersKeepTheirOrderWithAtMostEightCallsAtOnce() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> customers = IntStream.rangeClosed(1, 100)
                .mapToObj(PurchaseEligibilityBatchApiTest::customer)
                .collect(Collectors.toList());
        Collections.reverse(customers);
        for (String id : customers) {
            // Later customers answer sooner, so the items come back out of order unless the batch restores it.
            long delay = 5 + Integer.parseInt(id.substring(0, 8), 16) % 7;
            given(partnerCenter.validationStatus(eq(id), any(), any())).willAnswer(call -> {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                Mono.delay(Duration.ofMillis(delay)).block(); // a call to Partner Center that takes that long
                // Before the answer travels on, which lets the batch start the next call.
                inFlight.decrementAndGet();
                return answer(new ValidationStatus("account", "Allowed", null));
            });
        }

        assertThat(batch(ids(customers))).hasStatusOk().bodyJson().satisfies(body -> {
            for (int i = 0; i < customers.size(); i++) {
                assertThat(body).extractingPath("$.items[" + i + "].customerId").isEqualTo(customers.get(i));
            }
        });
        assertThat(most.get()).isEqualTo(8);
    }

    @Test
    void aBugForOneCustomerIsAProblemItemNotAStackTrace() throws Exception {
        status(ALLOWED, "Allowed");
        given(partnerCenter.validationStatus(eq(REVIEW), any(), any()))
                .willThrow(new IllegalStateException("secret internals"));

        var result = batch(ids(List.of(ALLOWED, REVIEW))).exchange();

        assertThat(result).hasStatusOk().bodyJson().satisfies(body -> {
            assertThat(body).extractingPath("$.items[0].eligible").isEqualTo(true);
            assertThat(body).extractingPath("$.items[1].status").isEqualTo(500);
            assertThat(body)
                    .extractingPath("$.items[1].type")
                    .isEqualTo("urn:partner-center-bff:problem:internal-error");
        });
        assertThat(result.getResponse().getContentAsString()).doesNotContain("secret internals");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"customerIds\":[]}",
                "{\"customerIds\":\"" + ALLOWED + "\"}",
                "{\"customerIds\":[\"" + ALLOWED + "\",\"not-a-guid\"]}",
                "{\"customerIds\":[\"" + ALLOWED + "\",null]}",
                "{\"customerIds\":[42]}",
                "{}",
                "[\"" + ALLOWED + "\"]",
                "not json",
            })
    void invalidInputIsOneProblemForTheWholeRequestAndAsksNobody(String json) {
        assertThat(batch(json))
                .hasStatus(400)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body)
                            .extractingPath("$.type")
                            .isEqualTo("urn:partner-center-bff:problem:invalid-request");
                    assertThat(body).extractingPath("$.detail").asString().isNotBlank();
                });
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void theProblemNamesTheIdThatIsNotAGuid() {
        assertThat(batch("{\"customerIds\":[\"" + ALLOWED + "\",\"not-a-guid\"]}"))
                .hasStatus(400)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.errors[0].field").isEqualTo("customerIds[1]");
                    assertThat(body).extractingPath("$.detail").asString().contains("must be a GUID");
                });
    }

    @Test
    void moreThanOneHundredCustomersIsRefusedWhole() {
        String json = ids(IntStream.rangeClosed(1, 101)
                .mapToObj(PurchaseEligibilityBatchApiTest::customer)
                .toList());

        assertThat(batch(json))
                .hasStatus(400)
                .bodyJson()
                .extractingPath("$.detail")
                .asString()
                .contains("must hold 1 to 100 customer ids");
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aListOfManyBadIdsNamesTheFirstFewAndCountsTheRest() {
        String json = ids(IntStream.range(0, 150).mapToObj(i -> "bad-" + i).toList());

        assertThat(batch(json)).hasStatus(400).bodyJson().satisfies(body -> {
            assertThat(body).extractingPath("$.errors.length()").isEqualTo(10);
            assertThat(body).extractingPath("$.detail").asString().endsWith("; and 141 more.");
        });
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aBodyLargerThanAnyOperationTakesIsRefusedUnread() {
        String json = "{\"customerIds\":[\"" + "x".repeat(70 * 1024) + "\"]}";

        assertThat(batch(json))
                .hasStatus(413)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:request-too-large");
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aTokenWithoutReadPermissionIsRefused() {
        assertThat(
                        mvc.post()
                                .uri(PATH)
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(ids(List.of(ALLOWED)))
                                .with(org.springframework.security.test.web.servlet.request
                                        .SecurityMockMvcRequestPostProcessors.jwt()))
                .hasStatus(403);
        assertThat(mvc.post().uri(PATH).contentType(MediaType.APPLICATION_JSON).content(ids(List.of(ALLOWED))))
                .hasStatus(401);
        verifyNoInteractions(partnerCenter);
    }
}
