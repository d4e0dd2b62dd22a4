package com.contoso.partnercenter.bff;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A full-stack test: the service on a random port against the fixture's Partner Center simulator and token issuer
 * ({@link Fixture}), with a {@link TestClock} to move on instead of sleeping. Test classes with the same properties
 * share one running service (Spring's context cache), so each test leaves the circuits closed and each class the
 * simulator as it found it ({@link LeftAsFound}), and asks about customers of its own wherever it counts on an empty
 * cache. A class
 * that needs the simulator's address in a property of its own names it {@code ${fixture.simulator}}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(EndToEndTest.MovableClock.class)
@ExtendWith(EndToEndTest.LeftAsFound.class)
public abstract class EndToEndTest {

    protected static final WireMockServer simulator = Fixture.simulator();
    protected static final MockOAuth2Server issuer = Fixture.issuer();

    @LocalServerPort
    protected int port;

    @Autowired
    protected TestClock clock;

    // Called once for each service started: each has a consent of its own, since the issuer accepts only the newest
    // refresh token of a chain, as Entra ID may.
    @DynamicPropertySource
    static void fixture(DynamicPropertyRegistry registry) {
        Fixture.serviceProperties(simulator.baseUrl(), issuer, LocalTokenIssuer.consent(issuer))
                .forEach((name, value) -> registry.add(name, () -> value));
        registry.add("management.server.port", () -> "0");
        registry.add("fixture.simulator", simulator::baseUrl);
    }

    /** The service's clock: the wall clock, which a test moves on. */
    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClock {
        @Bean
        @Primary
        TestClock testClock() {
            return TestClock.ticking();
        }
    }

    /**
     * After each test every circuit closed; after a class, the simulator as it started: what the next test on the same
     * service meets is what a test of its own would.
     */
    static final class LeftAsFound implements AfterEachCallback, AfterAllCallback {
        @Override
        public void afterEach(ExtensionContext context) {
            SpringExtension.getApplicationContext(context)
                    .getBean(CircuitBreakerRegistry.class)
                    .getAllCircuitBreakers()
                    .forEach(CircuitBreaker::reset);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            Fixture.resetSimulator();
        }
    }
}
