package com.contoso.partnercenter.bff.partnercenter.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.failure.FailureKind;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import reactor.core.publisher.Mono;

/**
 * The breaker with the settings the service ships (application.yaml): an outage seen by many customers opens
 * it within the sliding window, one customer's failures never do, whatever their number.
 */
class OutageBreakerTest {

    static final Operation STATUS = Operation.VALIDATION_STATUS;

    CircuitBreaker circuitBreaker;
    OutageBreaker breaker;

    @BeforeEach
    void shippedSettings() {
        var yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yaml"));
        Properties shipped = yaml.getObject();
        String prefix = "resilience4j.circuitbreaker.configs.default.";
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.valueOf(
                        shipped.getProperty(prefix + "sliding-window-type")))
                .slidingWindowSize(Integer.parseInt(shipped.getProperty(prefix + "sliding-window-size")))
                .minimumNumberOfCalls(Integer.parseInt(shipped.getProperty(prefix + "minimum-number-of-calls")))
                .failureRateThreshold(Float.parseFloat(shipped.getProperty(prefix + "failure-rate-threshold")))
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .build();
        circuitBreaker = CircuitBreaker.of(STATUS.instanceName(), config);
        breaker = new OutageBreaker(circuitBreaker, Clock.systemUTC());
    }

    void call(String customer, Mono<String> answer) {
        breaker.protect(STATUS, customer, answer).onErrorComplete().block();
    }

    static Mono<String> outage() {
        return Mono.error(PartnerCenterException.fromUpstream(STATUS, 503, UpstreamError.NONE, null));
    }

    static Mono<String> fine() {
        return Mono.just("Allowed");
    }

    @Test
    void anOutageAcrossCustomersOpensItWithinTheWindow() {
        int calls = 0;
        while (circuitBreaker.getState() == CircuitBreaker.State.CLOSED && calls < 100) {
            call(UUID.randomUUID().toString(), outage());
            calls++;
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(calls).isLessThanOrEqualTo(20);
    }

    @Test
    void oneCustomersFailuresNeverOpenItHoweverMany() {
        String failing = UUID.randomUUID().toString();
        for (int i = 0; i < 200; i++) {
            call(failing, outage());
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFewFailingCustomersAmongHealthyOnesNeverOpenIt() {
        // The soak that once answered 48 % of all requests with 503: one request in four for a failing customer.
        String[] failing = {
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString(),
            UUID.randomUUID().toString()
        };
        for (int i = 0; i < 400; i++) {
            if (i % 4 == 0) {
                call(failing[(i / 4) % failing.length], outage());
            } else {
                call(UUID.randomUUID().toString(), fine());
            }
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void answersAboutTheRequestNeverCountHoweverManyCustomers() {
        for (int i = 0; i < 50; i++) {
            String customer = UUID.randomUUID().toString();
            call(customer, Mono.error(PartnerCenterException.fromUpstream(STATUS, 404, UpstreamError.NONE, null)));
            call(
                    customer,
                    Mono.error(PartnerCenterException.fromUpstream(
                            STATUS, 500, new UpstreamError("600010", null, null, false), null)));
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anOpenCircuitRefusesAtOnceSayingTheSameWaitInItsDetailAndItsRetryAfter() {
        circuitBreaker.transitionToOpenState();

        PartnerCenterException refused = breaker.protect(STATUS, "c", fine())
                .map(answer -> (PartnerCenterException) null)
                .onErrorResume(PartnerCenterException.class, Mono::just)
                .block();

        assertThat(refused.kind()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(refused.retryAfterSeconds()).isBetween(29L, 30L);
        assertThat(refused.getMessage()).contains("for " + refused.retryAfterSeconds() + " s");
    }
}
