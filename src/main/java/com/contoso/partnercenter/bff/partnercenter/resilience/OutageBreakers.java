package com.contoso.partnercenter.bff.partnercenter.resilience;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * Every operation's {@link OutageBreaker}, on the circuit breaker configured under {@code
 * resilience4j.circuitbreaker.instances.<operation>}. Also brings the retries' {@link RetryRules}.
 */
@Component
@Import(RetryRules.class)
class OutageBreakers {

    private final Map<Operation, OutageBreaker> breakers = new EnumMap<>(Operation.class);

    OutageBreakers(CircuitBreakerRegistry circuitBreakers, Clock clock) {
        for (Operation operation : Operation.values()) {
            breakers.put(operation, new OutageBreaker(circuitBreakers.circuitBreaker(operation.instanceName()), clock));
        }
    }

    OutageBreaker of(Operation operation) {
        return breakers.get(operation);
    }
}
