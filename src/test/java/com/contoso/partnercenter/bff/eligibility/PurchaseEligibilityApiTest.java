package com.contoso.partnercenter.bff.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;

import com.contoso.partnercenter.bff.ApiSliceTest;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.ValidationStatus;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

class PurchaseEligibilityApiTest extends ApiSliceTest {

    static final String PATH = "/api/v1/customers/{id}/purchase-eligibility";

    @Autowired
    MeterRegistry meters;

    @ParameterizedTest
    @CsvSource({
        "Allowed, true",
        "UnderReview, false",
        "NotAllowed, false",
        "Unknown, false",
        "Not Ready, false",
        "SomethingNew, false",
    })
    void theDecisionFollowsTheAccountStatus(String status, boolean eligible) {
        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willReturn(answer(new ValidationStatus("account", status, null)));

        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader()))
                .hasStatusOk()
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.customerId").isEqualTo(CUSTOMER);
                    assertThat(body).extractingPath("$.eligible").isEqualTo(eligible);
                    assertThat(body).extractingPath("$.accountStatus").isEqualTo(status);
                    assertThat(body).extractingPath("$.reason").asString().isNotBlank();
                });
    }

    @Test
    void noAccountStatusUpstreamIsEligibleWithANullStatus() {
        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        404,
                        new UpstreamError("600074", "AccountStatusNotFound", "not found", false),
                        null));
        double before = meters.counter("partner.center.eligibility.decisions", "outcome", "no_status")
                .count();

        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("""
                        {"customerId": "%s", "eligible": true, "accountStatus": null,
                         "reason": "Partner Center keeps no account status for this customer, so its purchases are not blocked."}
                        """.formatted(CUSTOMER));
        assertThat(meters.counter("partner.center.eligibility.decisions", "outcome", "no_status")
                        .count())
                .isEqualTo(before + 1);
    }

    @Test
    void aNotFoundThatIsNotAboutTheAccountStatusIsNoGuess() {
        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        404,
                        new UpstreamError("600001", "CustomerNotFound", "Customer not found.", false),
                        null));

        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader())).hasStatus(404);
    }

    @Test
    void whenPartnerCenterCannotBeAskedTheAnswerIsAnErrorNeverAGuess() {
        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS,
                        429,
                        new UpstreamError(null, null, null, null),
                        Duration.ofSeconds(30)));
        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader())).hasStatus(503).hasHeader("Retry-After", "30");

        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.VALIDATION_STATUS, 500, new UpstreamError(null, null, null, null), null));
        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader())).hasStatus(502);

        given(partnerCenter.validationStatus(eq(CUSTOMER), any(), any()))
                .willThrow(
                        PartnerCenterException.deadlineExceeded(Operation.VALIDATION_STATUS, Duration.ofSeconds(25)));
        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader())).hasStatus(504);
    }
}
