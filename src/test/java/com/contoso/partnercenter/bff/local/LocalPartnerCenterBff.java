package com.contoso.partnercenter.bff.local;

import com.contoso.partnercenter.bff.PartnerCenterBffApplication;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.LinkedHashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * The local run ({@code ./mvnw spring-boot:test-run}): the service's own code, unchanged, against an
 * embedded Partner Center simulator and token issuer. Only the base URL, token URI and JWK set differ from
 * production. Ports: API 8080, management 8081, simulator 8089, token issuer 8090; the last two can be moved
 * with {@code -Dlocal.simulator.port} and {@code -Dlocal.issuer.port}.
 */
public final class LocalPartnerCenterBff {

    private LocalPartnerCenterBff() {}

    public static void main(String[] args) {
        start(Integer.getInteger("local.simulator.port", 8089), Integer.getInteger("local.issuer.port", 8090), args);
    }

    /** Starts the simulator, the issuer and the service; closing the context stops all three. */
    public static ConfigurableApplicationContext start(int simulatorPort, int issuerPort, String... args) {
        WireMockServer simulator = PartnerCenterSimulator.start(simulatorPort);
        MockOAuth2Server issuer = LocalTokenIssuer.start(issuerPort);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("partner-center.base-url", simulator.baseUrl());
        properties.put("partner-center.auth.tenant-id", "local-tenant");
        properties.put("partner-center.auth.client-id", "partner-center-bff-local");
        properties.put("partner-center.auth.client-secret", "local-client-secret");
        properties.put("partner-center.auth.refresh-token", LocalTokenIssuer.consent(issuer));
        properties.put(
                "partner-center.auth.token-uri",
                issuer.tokenEndpointUrl(LocalTokenIssuer.ENTRA_ISSUER).toString());
        properties.put(
                "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                issuer.issuerUrl(LocalTokenIssuer.PORTAL_ISSUER).toString());
        properties.put("spring.security.oauth2.resourceserver.jwt.audiences", LocalTokenIssuer.AUDIENCE);
        String tokenUrl =
                issuer.tokenEndpointUrl(LocalTokenIssuer.PORTAL_ISSUER).toString();
        properties.put("local.token-url", tokenUrl);
        // Swagger UI's Authorize dialog gets a portal token by itself, prefilled: press Authorize, Authorize.
        // A client secret in Swagger UI is for this local run only.
        properties.put("partner-center-bff.swagger-ui.oauth2.token-url", tokenUrl);
        properties.put("partner-center-bff.swagger-ui.oauth2.scopes", LocalTokenIssuer.SCOPES);
        properties.put("springdoc.swagger-ui.oauth.client-id", "portal");
        properties.put("springdoc.swagger-ui.oauth.client-secret", "local-portal-secret");
        properties.put("springdoc.swagger-ui.oauth.scopes", LocalTokenIssuer.SCOPES);

        SpringApplication application = new SpringApplication(PartnerCenterBffApplication.class);
        // Above application.yaml, below the command line, so every setting stays movable.
        application.addInitializers(context -> {
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            var local = new MapPropertySource("local-run", properties);
            if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, local);
            } else {
                sources.addFirst(local);
            }
        });
        application.addListeners(event -> {
            if (event instanceof ContextClosedEvent) {
                simulator.stop();
                issuer.shutdown();
            }
        });
        try {
            return application.run(args);
        } catch (RuntimeException e) {
            simulator.stop();
            issuer.shutdown();
            throw e;
        }
    }
}
