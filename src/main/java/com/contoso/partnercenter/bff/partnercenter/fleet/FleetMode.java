package com.contoso.partnercenter.bff.partnercenter.fleet;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Fleet mode is on when Spring Boot's standard {@code spring.data.redis.url} or {@code spring.data.redis.host} is
 * set: every replica then shares its state in that Redis. Off, nothing about Redis exists in the service at all
 * (no connection, no health component), and each replica keeps its state in its own memory.
 */
public final class FleetMode {

    private FleetMode() {}

    public static boolean isOn(PropertyResolver properties) {
        return StringUtils.hasText(properties.getProperty("spring.data.redis.url"))
                || StringUtils.hasText(properties.getProperty("spring.data.redis.host"));
    }

    /** For the beans that exist only in fleet mode. */
    public static final class On extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return isOn(context.getEnvironment())
                    ? ConditionOutcome.match("spring.data.redis.url or spring.data.redis.host is set")
                    : ConditionOutcome.noMatch("neither spring.data.redis.url nor spring.data.redis.host is set");
        }
    }
}
