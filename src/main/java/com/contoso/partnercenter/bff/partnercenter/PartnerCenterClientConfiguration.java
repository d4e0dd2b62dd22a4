package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.auth.RefreshTokenWatch;
import com.contoso.partnercenter.bff.partnercenter.cache.ResponseCache;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.TokenCipher;
import com.contoso.partnercenter.bff.partnercenter.resilience.UpstreamResilience;
import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleGates;
import com.contoso.partnercenter.bff.portal.Portals;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts the client's subsystems together. Their state ({@link ClientState}) is built on the service's {@link
 * FleetState}: this replica's memory, or, in fleet mode, Redis for every replica.
 */
@Configuration(proxyBeanMethods = false)
class PartnerCenterClientConfiguration {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Clock CLOCK = Clock.systemUTC();

    @Bean
    ClientState clientState(
            PartnerCenterProperties properties,
            FleetState state,
            TokenCipher cipher,
            FleetProperties fleet,
            Portals portals,
            JsonMapper json,
            MeterRegistry meters) {
        return ClientState.on(state, cipher, fleet, properties, portals, json, meters, CLOCK);
    }

    // Built from Boot's builder so the HTTP client metrics and tracing stay attached.
    @Bean
    EntraIdTokens entraIdTokens(WebClient.Builder builder, PartnerCenterProperties properties, ClientState state) {
        WebClient tokenWebClient = builder.clone()
                .clientConnector(connector(properties.auth().timeout()))
                .build();
        return new EntraIdTokens(
                properties.auth(),
                tokenWebClient,
                EntraIdTokens.registrations(properties.auth()),
                state.tokens(),
                state.consent(),
                CLOCK);
    }

    /** Also the {@code partnerCenterCredentials} health component. */
    @Bean
    RefreshTokenWatch partnerCenterCredentials(
            EntraIdTokens tokens, PartnerCenterProperties properties, ClientState state, MeterRegistry meters) {
        return new RefreshTokenWatch(tokens, state.consent(), properties.auth(), meters, CLOCK);
    }

    @Bean
    ThrottleGates throttleGates(PartnerCenterProperties properties, ClientState state, MeterRegistry meters) {
        return new ThrottleGates(properties.throttle().scopes(), state.gates(), meters, CLOCK);
    }

    @Bean
    PartnerCenterClient partnerCenterClient(
            WebClient.Builder builder,
            PartnerCenterProperties properties,
            JsonMapper json,
            EntraIdTokens tokens,
            ThrottleGates gates,
            ClientState state,
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
        state.quota().describeTo(meters);
        var resilience = new UpstreamResilience(
                retries,
                circuitBreakers,
                bulkheads,
                timeLimiters,
                gates,
                state.quota(),
                state.consent(),
                meters,
                properties.deadline(),
                CLOCK);
        return new PartnerCenterClient(
                webClient,
                resilience,
                new ResponseCache(properties.cache(), state.answers(), meters, CLOCK),
                json,
                meters,
                CLOCK);
    }

    private static ReactorClientHttpConnector connector(Duration responseTimeout) {
        HttpClient http =
                HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        return new ReactorClientHttpConnector(responseTimeout != null ? http.responseTimeout(responseTimeout) : http);
    }
}
