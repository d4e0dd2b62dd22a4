package com.contoso.partnercenter.bff.partnercenter.fleet;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Spring Boot configures Redis whenever its classes are on the class path, for localhost:6379 by default, and
 * its health check then reports the service DOWN. Outside fleet mode this keeps every Redis auto-configuration
 * out, so a single replica has no Redis at all.
 */
public final class RedisOnlyInFleetMode implements AutoConfigurationImportFilter, EnvironmentAware {

    private static final String REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean fleet = FleetMode.named(environment);
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < autoConfigurationClasses.length; i++) {
            String candidate = autoConfigurationClasses[i];
            match[i] = fleet || candidate == null || !candidate.startsWith(REDIS_AUTO_CONFIGURATION);
        }
        return match;
    }
}
