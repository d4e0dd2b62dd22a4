package com.contoso.partnercenter.bff.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.partnercenter.Answer;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenter;
import com.contoso.partnercenter.bff.partnercenter.ValidationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import reactor.core.publisher.Mono;

class BatchDeadlineTest {

    static final String ANSWERS = "c0ffee00-0000-4000-8000-000000000001";
    static final String HANGS = "c0ffee00-0000-4000-8000-000000000018";
    static final String QUEUED = "c0ffee00-0000-4000-8000-000000000002";

    @Test
    void whatIsNotAnsweredByTheBatchDeadlineIsA504ItemAndTheRestIsKept() {
        PartnerCenter partnerCenter = mock(PartnerCenter.class);
        given(partnerCenter.validationStatus(eq(ANSWERS), any(), any()))
                .willReturn(answer(new ValidationStatus("account", "Allowed", null)));
        // A call that never answers: only the batch giving up on it (an interrupt) ends it.
        given(partnerCenter.validationStatus(eq(HANGS), any(), any())).willAnswer(call -> {
            new CountDownLatch(1).await();
            return null;
        });
        // Starts only when a slot is free, after the hanging call used up the whole deadline.
        given(partnerCenter.validationStatus(eq(QUEUED), any(), any())).willAnswer(call -> {
            Mono.delay(Duration.ofMillis(50)).block(); // a call to Partner Center that takes that long
            return answer(new ValidationStatus("account", "UnderReview", null));
        });
        var service = new PurchaseEligibilityService(
                partnerCenter,
                new SimpleMeterRegistry(),
                Fixture.settings("batch.concurrency=1", "batch.deadline=300ms"),
                new SimpleAsyncTaskExecutor(),
                Clock.systemUTC());

        long start = System.nanoTime();
        List<EligibilityAnswer> answers =
                service.eligibilities(List.of(ANSWERS, HANGS, QUEUED)).items();
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

    static <T> Answer<T> answer(T value) {
        return new Answer<>(value, "partner-center-bff; fwd=bypass", null, null);
    }
}
