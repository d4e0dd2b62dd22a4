package com.contoso.partnercenter.bff.partnercenter.fleet;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.startup.Misconfiguration;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Fleet mode: which it is, said once at the start, and the one place where the service's {@link FleetState} is
 * chosen. On, Redis for every replica: Spring Boot's Lettuce client made to fail fast while Redis is away
 * (commands are refused at once instead of queued) and to find it again within a second, and the key that
 * encrypts tokens at rest, which startup refuses to go without. Off, this replica's memory.
 */
@Configuration(proxyBeanMethods = false)
public class FleetConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FleetConfiguration.class);

    /** Refuses a Redis named in a form the service cannot use, before anything connects to it. */
    @Bean
    FleetMode fleetMode(Environment environment) {
        FleetMode mode = FleetMode.of(environment);
        log.info(mode.describe());
        return mode;
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(FleetMode.On.class)
    static class Shared {

        @Bean
        LettuceClientOptionsBuilderCustomizer refuseCommandsWhileDisconnected() {
            return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
        }

        // Lettuce's default backoff grows to 30 s between reconnection attempts; a second is plenty.
        @Bean
        ClientResourcesBuilderCustomizer reconnectWithinASecond() {
            return resources -> resources.reconnectDelay(
                    Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
        }

        // Its form is checked with the other settings (SettingsConstraints); that fleet mode needs it, here.
        @Bean
        TokenCipher tokenCipher(PartnerCenterProperties properties) {
            String key = properties.fleet().tokenKey();
            if (key == null || key.isBlank()) {
                throw new Misconfiguration(
                        "Fleet mode (spring.data.redis.* names a Redis) needs " + TokenCipher.PROPERTY
                                + ": the refresh token is stored in Redis encrypted with it.",
                        "Set " + TokenCipher.PROPERTY + " (PARTNER_CENTER_FLEET_TOKENKEY) to the same 32 random"
                                + " bytes, base64, on every replica, for example the output of: openssl rand -base64"
                                + " 32");
            }
            return new TokenCipher(key);
        }

        /** The service's state in Redis, for every replica; also the {@code fleet} health component (its name). */
        @Bean
        RedisFleetState fleet(
                FleetMode mode, ReactiveStringRedisTemplate redis, PartnerCenterProperties properties, Clock clock) {
            var shared = new RedisFleetState(redis, properties.fleet(), clock);
            // Lettuce connects on first use; through Sentinel (ask the sentinels, then the master) a cold replica
            // took over a second, inside its first requests' deadline. Connected here, within the fleet timeout:
            // a Redis away at startup is only the usual one line, and the replica starts all the same.
            shared.connect();
            return shared;
        }
    }

    /** A replica alone: its state in its memory, and its tokens there under a key of its own. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(FleetMode.Off.class)
    static class Alone {

        @Bean
        TokenCipher tokenCipher() {
            return TokenCipher.ofThisReplica();
        }

        @Bean
        InMemoryFleetState fleetState(PartnerCenterProperties properties, Clock clock) {
            return new InMemoryFleetState(properties.fleet().keyPrefix(), clock);
        }
    }
}
