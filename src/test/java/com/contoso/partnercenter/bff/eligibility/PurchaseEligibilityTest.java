package com.contoso.partnercenter.bff.eligibility;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.eligibility.PurchaseEligibility.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The documented rule: case-insensitive, spaces ignored, and closed for anything it does not cover. */
class PurchaseEligibilityTest {

    @ParameterizedTest
    @CsvSource({
        "Allowed, true, ALLOWED",
        "ALLOWED, true, ALLOWED",
        "' allowed ', true, ALLOWED",
        "UnderReview, false, BLOCKED",
        "Under Review, false, BLOCKED",
        "underreview, false, BLOCKED",
        "NotAllowed, false, BLOCKED",
        "Not Allowed, false, BLOCKED",
        "Unknown, false, BLOCKED",
        "Not Ready, false, NOT_COVERED",
        "NotReady, false, NOT_COVERED",
        "Suspended, false, NOT_COVERED",
    })
    void statuses(String status, boolean eligible, Outcome outcome) {
        PurchaseEligibility decision = PurchaseEligibility.fromAccountStatus("c", status);

        assertThat(decision.eligible()).isEqualTo(eligible);
        assertThat(decision.outcome()).isEqualTo(outcome);
        assertThat(decision.accountStatus()).isEqualTo(status);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void anEmptyStatusIsBlockedAsNotCovered(String status) {
        PurchaseEligibility decision = PurchaseEligibility.fromAccountStatus("c", status);

        assertThat(decision.eligible()).isFalse();
        assertThat(decision.reason()).contains("not covered by the documented eligibility rules");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Not Ready", "Suspended"})
    void anUncoveredStatusSaysSoInTheReason(String status) {
        assertThat(PurchaseEligibility.fromAccountStatus("c", status).reason())
                .isEqualTo("Purchases are blocked because the account status \"" + status
                        + "\" is not covered by the documented eligibility rules.");
    }
}
