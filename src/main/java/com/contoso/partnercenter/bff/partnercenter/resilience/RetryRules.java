package com.contoso.partnercenter.bff.partnercenter.resilience;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import io.github.resilience4j.common.CompositeCustomizer;
import io.github.resilience4j.common.retry.configuration.CommonRetryConfigurationProperties;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.core.env.Environment;

/**
 * The two rules of a Partner Center call's retry that no {@code resilience4j.retry.*} property can express, added to
 * every operation's retry as Boot's registry builds it (one {@link RetryConfigCustomizer} each): which failures are
 * retried ({@link PartnerCenterException#retriedNow()}, the failure table's), and that a wait is never shorter than
 * Partner Center's {@code Retry-After}. Attempts, backoff and jitter stay the properties'.
 */
class RetryRules implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
        for (Operation operation : Operation.values()) {
            String name = operation.instanceName();
            registry.registerBean(
                    "retryRules-" + name,
                    RetryConfigCustomizer.class,
                    spec -> spec.supplier(
                            context -> customizer(name, context.bean(CommonRetryConfigurationProperties.class))));
        }
    }

    static RetryConfigCustomizer customizer(String name, CommonRetryConfigurationProperties properties) {
        // The backoff the properties configure, waited at least as long as Partner Center asked.
        IntervalBiFunction<Object> backoff = properties
                .createRetryConfig(name, new CompositeCustomizer<>(List.of()))
                .getIntervalBiFunction();
        return RetryConfigCustomizer.of(name, builder -> withRules(builder, backoff));
    }

    @SuppressWarnings("unchecked") // Boot's customizer hands the builder over raw
    private static void withRules(RetryConfig.Builder<?> raw, IntervalBiFunction<Object> backoff) {
        RetryConfig.Builder<Object> builder = (RetryConfig.Builder<Object>) raw;
        builder.retryOnException(failure -> failure instanceof PartnerCenterException e && e.retriedNow())
                .intervalBiFunction((attempt, outcome) -> {
                    long wait = backoff.apply(attempt, outcome);
                    Duration asked = outcome.isLeft() && outcome.getLeft() instanceof PartnerCenterException e
                            ? e.retryAfter()
                            : null;
                    return asked != null ? Math.max(wait, asked.toMillis()) : wait;
                });
    }
}
