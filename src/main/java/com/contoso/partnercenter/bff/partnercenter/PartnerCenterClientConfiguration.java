package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.auth.EntraIdTokens;
import com.contoso.partnercenter.bff.partnercenter.cache.ResponseCache;
import com.contoso.partnercenter.bff.partnercenter.resilience.UpstreamResilience;
import com.contoso.partnercenter.bff.partnercenter.throttle.ThrottleGates;
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

@Configuration(proxyBeanMethods = false)
class PartnerCenterClientConfiguration {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    // Built from Boot's builder so the HTTP client metrics and tracing stay attached.
    @Bean
    PartnerCenterClient partnerCenterClient(
            WebClient.Builder builder,
            PartnerCenterProperties properties,
            JsonMapper json,
            RetryRegistry retries,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            TimeLimiterRegistry timeLimiters,
            MeterRegistry meters) {
        WebClient tokenWebClient = builder.clone()
                .clientConnector(connector(properties.auth().timeout()))
                .build();
        EntraIdTokens tokens = new EntraIdTokens(properties.auth(), tokenWebClient);
        WebClient webClient = builder.clone()
                .clientConnector(connector(null))
                .baseUrl(properties.baseUrl().toString())
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader("MS-Contract-Version", "v1")
                .defaultHeader("MS-PartnerCenter-Application", properties.applicationName())
                .defaultHeader("X-Locale", properties.locale())
                .filter(tokens.filter())
                .build();
        var gates = new ThrottleGates(properties.throttle().scopes(), meters, Clock.systemUTC());
        var resilience = new UpstreamResilience(
                retries,
                circuitBreakers,
                bulkheads,
                timeLimiters,
                gates,
                meters,
                properties.deadline(),
                Clock.systemUTC());
        return new PartnerCenterClient(
                webClient, resilience, new ResponseCache(properties.cache(), meters), json, Clock.systemUTC());
    }

    private static ReactorClientHttpConnector connector(Duration responseTimeout) {
        HttpClient http =
                HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        return new ReactorClientHttpConnector(responseTimeout != null ? http.responseTimeout(responseTimeout) : http);
    }
}
