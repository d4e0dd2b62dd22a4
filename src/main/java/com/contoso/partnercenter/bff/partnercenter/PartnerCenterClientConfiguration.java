package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.auth.LocalTokenStore;
import com.contoso.partnercenter.bff.partnercenter.auth.RedisTokenStore;
import com.contoso.partnercenter.bff.partnercenter.auth.RefreshTokenWatch;
import com.contoso.partnercenter.bff.partnercenter.auth.TokenStore;
import com.contoso.partnercenter.bff.partnercenter.cache.RedisSharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.cache.ResponseCache;
import com.contoso.partnercenter.bff.partnercenter.cache.SharedAnswers;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetRedis;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.resilience.UpstreamResilience;
import com.contoso.partnercenter.bff.partnercenter.throttle.LocalGateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.LocalQuota;
import com.contoso.partnercenter.bff.partnercenter.throttle.Quota;
import com.contoso.partnercenter.bff.partnercenter.throttle.QuotaProperties;
import com.contoso.partnercenter.bff.partnercenter.throttle.RedisGateStore;
import com.contoso.partnercenter.bff.partnercenter.throttle.RedisQuota;
import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleGates;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts the client's subsystems together. Each keeps its state in this replica's memory, or, in fleet mode
 * (a {@link FleetRedis} exists), in Redis for every replica: the tokens, the answers, the throttle gates and
 * the quota.
 */
@Configuration(proxyBeanMethods = false)
class PartnerCenterClientConfiguration {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Clock CLOCK = Clock.systemUTC();

    @Bean
    TokenStore tokenStore(
            PartnerCenterProperties properties,
            ObjectProvider<FleetRedis> fleet,
            ObjectProvider<TokenCipher> cipher,
            ObjectProvider<FleetProperties> fleetProperties,
            JsonMapper json) {
        FleetRedis redis = fleet.getIfAvailable();
        if (redis == null) {
            return new LocalTokenStore(CLOCK);
        }
        return new RedisTokenStore(
                redis,
                cipher.getObject(),
                EntraIdTokens.registrations(properties.auth()),
                json,
                CLOCK,
                // A refused token request is tried once more under the same lock, with Redis reads around it.
                properties.auth().timeout().multipliedBy(2).plusSeconds(2),
                fleetProperties.getObject().failoverWait());
    }

    // Built from Boot's builder so the HTTP client metrics and tracing stay attached.
    @Bean
    EntraIdTokens entraIdTokens(WebClient.Builder builder, PartnerCenterProperties properties, TokenStore store) {
        WebClient tokenWebClient = builder.clone()
                .clientConnector(connector(properties.auth().timeout()))
                .build();
        return new EntraIdTokens(
                properties.auth(), tokenWebClient, EntraIdTokens.registrations(properties.auth()), store, CLOCK);
    }

    /** Also the {@code partnerCenterCredentials} health component. */
    @Bean
    RefreshTokenWatch partnerCenterCredentials(
            EntraIdTokens tokens, PartnerCenterProperties properties, MeterRegistry meters) {
        return new RefreshTokenWatch(tokens, properties.auth(), meters, CLOCK);
    }

    @Bean
    ThrottleGates throttleGates(
            PartnerCenterProperties properties, ObjectProvider<FleetRedis> fleet, MeterRegistry meters) {
        var local = new LocalGateStore(CLOCK);
        FleetRedis redis = fleet.getIfAvailable();
        return new ThrottleGates(
                properties.throttle().scopes(),
                redis == null ? local : new RedisGateStore(redis, local),
                meters,
                CLOCK);
    }

    @Bean
    Quota quota(PartnerCenterProperties properties, ObjectProvider<FleetRedis> fleet) {
        var quota = new QuotaProperties(properties.quota());
        FleetRedis redis = fleet.getIfAvailable();
        return redis == null ? new LocalQuota(quota) : new RedisQuota(quota, redis);
    }

    @Bean
    SharedAnswers sharedAnswers(PartnerCenterProperties properties, ObjectProvider<FleetRedis> fleet, JsonMapper json) {
        FleetRedis redis = fleet.getIfAvailable();
        return redis == null
                ? SharedAnswers.none(CLOCK)
                : new RedisSharedAnswers(redis, json, properties.deadline(), CLOCK);
    }

    @Bean
    PartnerCenterClient partnerCenterClient(
            WebClient.Builder builder,
            PartnerCenterProperties properties,
            JsonMapper json,
            EntraIdTokens tokens,
            ThrottleGates gates,
            Quota quota,
            SharedAnswers shared,
            RetryRegistry retries,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters,
            MeterRegistry meters) {
        WebClient webClient = builder.clone()
                .clientConnector(connector(null))
                .baseUrl(properties.baseUrl().toString())
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader("MS-Contract-Version", "v1")
                .defaultHeader("MS-PartnerCenter-Application", properties.applicationName())
                .defaultHeader("X-Locale", properties.locale())
                .filter(tokens.filter())
                .build();
        var resilience = new UpstreamResilience(
                retries, circuitBreakers, bulkheads, timeLimiters, gates, quota, meters, properties.deadline(), CLOCK);
        return new PartnerCenterClient(
                webClient, resilience, new ResponseCache(properties.cache(), shared, meters, CLOCK), json, CLOCK);
    }

    private static ReactorClientHttpConnector connector(Duration responseTimeout) {
        HttpClient http =
                HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        return new ReactorClientHttpConnector(responseTimeout != null ? http.responseTimeout(responseTimeout) : http);
    }
}
