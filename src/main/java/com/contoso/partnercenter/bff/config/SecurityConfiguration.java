package com.contoso.partnercenter.bff.config;

import com.contoso.partnercenter.bff.startup.Misconfiguration;
import com.contoso.partnercenter.bff.web.ProblemAuthenticationHandlers;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API takes JWT bearer tokens; reading needs {@code partner-center.read}, updating
 * {@code partner-center.write}, granted as a delegated scope ({@code scope}/{@code scp}) or as an Entra ID
 * app role ({@code roles}). Swagger UI and the OpenAPI document are open; actuator lives on the
 * management port, which is never exposed outside the pod network.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String READ = "partner-center.read";
    static final String WRITE = "partner-center.write";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    @Bean
    @Order(1)
    SecurityFilterChain managementSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiSecurity(HttpSecurity http, JsonMapper json, ObjectProvider<JwtDecoder> jwtDecoder)
            throws Exception {
        if (jwtDecoder.getIfAvailable() == null) {
            // Without an issuer or key set the API could trust no token.
            throw new Misconfiguration(
                    "The API cannot check the portals' bearer tokens: neither"
                            + " spring.security.oauth2.resourceserver.jwt.issuer-uri nor"
                            + " spring.security.oauth2.resourceserver.jwt.jwk-set-uri is set.",
                    "Set spring.security.oauth2.resourceserver.jwt.issuer-uri"
                            + " (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI) to the issuer of the portals'"
                            + " tokens, for Entra ID https://login.microsoftonline.com/<tenant-id>/v2.0, or jwk-set-uri"
                            + " to its key set.");
        }
        var problems = new ProblemAuthenticationHandlers(json);
        var authentication = new JwtAuthenticationConverter();
        // A portal's token is the same Jwt for minutes (CachingJwtDecoder): its permissions are read from it once.
        Cache<Jwt, Collection<GrantedAuthority>> permissions =
                Caffeine.newBuilder().weakKeys().maximumSize(4096).build();
        authentication.setJwtGrantedAuthoritiesConverter(
                jwt -> permissions.get(jwt, SecurityConfiguration::permissions));
        return http.authorizeHttpRequests(requests -> requests
                        // A reactive result completes on an async dispatch of a request already authorized.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers("/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs", "/v3/api-docs/**")
                        .permitAll()
                        // The operator's browser, signing in at Entra ID: the page checks the user it gets back.
                        .requestMatchers(HttpMethod.GET, "/consent", "/consent/renew", "/consent/callback")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/**")
                        .hasAuthority(READ)
                        .requestMatchers(HttpMethod.POST, "/api/v1/purchase-eligibility/batch")
                        .hasAuthority(READ)
                        .requestMatchers(HttpMethod.POST, "/api/**")
                        .hasAuthority(WRITE)
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(oauth2 -> oauth2.jwt(jwt -> jwt.jwtAuthenticationConverter(authentication))
                        .bearerTokenResolver(new HeaderBearerTokenResolver())
                        .authenticationEntryPoint(problems.entryPoint())
                        .accessDeniedHandler(problems.accessDeniedHandler()))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(problems.entryPoint())
                        .accessDeniedHandler(problems.accessDeniedHandler()))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .build();
    }

    /** Permissions from the space-separated {@code scope}/{@code scp} claim and the {@code roles} array. */
    static Collection<GrantedAuthority> permissions(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String claim : List.of("scope", "scp", "roles")) {
            Object value = jwt.getClaims().get(claim);
            List<String> names = value instanceof String text
                    ? List.of(WHITESPACE.split(text.trim()))
                    : value instanceof Collection<?> values
                            ? values.stream().map(String::valueOf).toList()
                            : List.of();
            names.stream()
                    .filter(name -> !name.isEmpty())
                    .map(SimpleGrantedAuthority::new)
                    .forEach(authorities::add);
        }
        return List.copyOf(authorities);
    }

    /** Every JWT decoder Boot builds from spring.security.oauth2.resourceserver.jwt.* remembers verified tokens. */
    @Bean
    static BeanPostProcessor cachingJwtDecoder(ObjectProvider<Clock> clock) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof JwtDecoder decoder && !(bean instanceof CachingJwtDecoder)
                        ? new CachingJwtDecoder(decoder, clock.getObject())
                        : bean;
            }
        };
    }

    /** Spring Security's strict firewall, its character rule checked without regular expressions ({@link Firewall}). */
    @Bean
    static HttpFirewall httpFirewall() {
        return Firewall.strict();
    }

    /**
     * No Spring Security observations: they wrapped each of the chain's filters in an observation and a trace
     * span, about a fifth of a request's CPU (docs/performance.md). The HTTP server observation still
     * times and traces every request, 401s and 403s included.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
