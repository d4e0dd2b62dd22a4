package com.contoso.partnercenter.bff.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.contoso.partnercenter.bff.ApiSliceTest;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.ValidationCode;
import com.contoso.partnercenter.bff.partnercenter.ValidationStatus;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;

class ValidationApiTest extends ApiSliceTest {

    @Test
    void validationCodesComeAsAnItemsObject() {
        given(partnerCenter.validationCodes())
                .willReturn(answer(List.of(new ValidationCode("12345", "Contoso, Inc.", "9daaeb1c", 5, null))));

        assertThat(mvc.get().uri("/api/v1/gcc-validation-codes").with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("""
                        {"items": [{"validationId": "12345", "organizationName": "Contoso, Inc.", "partnerId": "9daaeb1c",
                                    "maxCreates": 5, "remainingCreates": null}]}""");
    }

    @Test
    void validationStatusIsPassedThroughVerbatim() {
        given(partnerCenter.validationStatus(CUSTOMER))
                .willReturn(answer(new ValidationStatus("account", "Not Ready", null)));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status", CUSTOMER)
                        .with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("{\"type\": \"account\", \"status\": \"Not Ready\", \"lastUpdateDateTime\": null}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"account", "Account"})
    void theOnlyValidationTypeIsAccount(String type) {
        given(partnerCenter.validationStatus(CUSTOMER))
                .willReturn(answer(new ValidationStatus("account", "Allowed", null)));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status?type={type}", CUSTOMER, type)
                        .with(reader()))
                .hasStatusOk();
        verify(partnerCenter).validationStatus(CUSTOMER);
    }

    @Test
    void anyOtherValidationTypeIsABadRequestAndNothingGoesUpstream() {
        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status?type=billing", CUSTOMER)
                        .with(reader()))
                .hasStatus(400)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .extractingPath("$.errors[0].field")
                .isEqualTo("type");
        verifyNoInteractions(partnerCenter);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"nope", "12345", "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4", "0f2d5c61x8c6e-4a55-a8b2-3f9b6c1d2e4a"})
    void aCustomerIdThatIsNoGuidIsABadRequestAndNothingGoesUpstream(String customerId) {
        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status", customerId)
                        .with(reader()))
                .hasStatus(400)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body)
                            .extractingPath("$.type")
                            .isEqualTo("urn:partner-center-bff:problem:invalid-request");
                    assertThat(body).extractingPath("$.errors[0].field").isEqualTo("customerId");
                    assertThat(body).extractingPath("$.retryable").isEqualTo(false);
                });
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aMissingAccountStatusIsANotFoundProblemWithPartnerCentersCodeAndName() {
        given(partnerCenter.validationStatus(any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        404,
                        new UpstreamError("600074", "AccountStatusNotFound", "Account Status was not found.", false),
                        null));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status", CUSTOMER)
                        .with(reader()))
                .hasStatus(404)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.status").isEqualTo(404);
                    assertThat(body).extractingPath("$.detail").isEqualTo("Account Status was not found.");
                    assertThat(body).extractingPath("$.upstreamErrorCode").isEqualTo("600074");
                    assertThat(body).extractingPath("$.upstreamErrorName").isEqualTo("AccountStatusNotFound");
                    assertThat(body)
                            .extractingPath("$.instance")
                            .isEqualTo("/api/v1/customers/" + CUSTOMER + "/validation-status");
                });
    }

    @Test
    void throttlingIsAServiceUnavailableWithRetryAfter() {
        given(partnerCenter.validationCodes())
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_CODES,
                        429,
                        new UpstreamError(null, null, "Rate limit is exceeded.", null),
                        Duration.ofSeconds(57)));

        assertThat(mvc.get().uri("/api/v1/gcc-validation-codes").with(reader()))
                .hasStatus(503)
                .hasHeader("Retry-After", "57")
                .bodyJson()
                .extractingPath("$.retryable")
                .isEqualTo(true);
    }

    @Test
    void aDeadlinePassedIsAGatewayTimeout() {
        given(partnerCenter.validationCodes())
                .willThrow(PartnerCenterException.deadlineExceeded(Operation.VALIDATION_CODES, Duration.ofSeconds(25)));

        assertThat(mvc.get().uri("/api/v1/gcc-validation-codes").with(reader()))
                .hasStatus(504)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:upstream-timeout");
    }
}
