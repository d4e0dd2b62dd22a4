package com.contoso.partnercenter.bff.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.partnercenter.upstream.ValidationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class BatchDeadlineTest {

    static final String ANSWERS = "c0ffee00-0000-4000-8000-000000000001";
    static final String HANGS = "c0ffee00-0000-4000-8000-000000000018";
    static final String QUEUED = "c0ffee00-0000-4000-8000-000000000002";

    @Test
    void whatIsNotAnsweredByTheBatchDeadlineIsA504ItemAndTheRestIsKept() {
        PartnerCenterClient partnerCenter = mock(PartnerCenterClient.class);
        given(partnerCenter.validationStatus(eq(ANSWERS), eq("account"), any()))
                .willReturn(Mono.just(new ValidationStatus("account", "Allowed", null)));
        given(partnerCenter.validationStatus(eq(HANGS), eq("account"), any())).willReturn(Mono.never());
        // Starts only when a slot is free, after the hanging call used up the whole deadline.
        given(partnerCenter.validationStatus(eq(QUEUED), eq("account"), any()))
                .willReturn(Mono.just(new ValidationStatus("account", "UnderReview", null))
                        .delayElement(Duration.ofMillis(50)));
        var service = new PurchaseEligibilityService(
                partnerCenter,
                new SimpleMeterRegistry(),
                new BatchProperties(1, Duration.ofMillis(300)),
                new EligibilityProperties(false));

        long start = System.nanoTime();
        List<EligibilityAnswer> answers = service.eligibilities(List.of(ANSWERS, HANGS, QUEUED))
                .block(Duration.ofSeconds(5))
                .items();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answers).hasSize(3);
        assertThat(answers.get(0)).isInstanceOf(PurchaseEligibility.class);
        assertThat(answers.get(1)).isInstanceOfSatisfying(CustomerProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(504);
            assertThat(problem.retryable()).isTrue();
        });
        assertThat(answers.get(2))
                .as("no time is left for the queued customer")
                .isInstanceOfSatisfying(
                        CustomerProblem.class,
                        problem -> assertThat(problem.status()).isEqualTo(504));
        assertThat(took).isLessThan(Duration.ofSeconds(2));
    }
}
