package com.contoso.partnercenter.bff.local;

import com.contoso.partnercenter.bff.PartnerCenterBffApplication;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.LinkedHashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * The local run ({@code ./mvnw spring-boot:test-run}): the service's own code, unchanged, against an
 * embedded Partner Center simulator and token issuer. Only the base URL, token URI and JWK set differ from
 * production. Ports: API 8080, management 8081, simulator 8089, token issuer 8090; the last two can be moved
 * with {@code -Dlocal.simulator.port} and {@code -Dlocal.issuer.port}, which the pom hands to this JVM.
 */
public final class LocalPartnerCenterBff {

    private static final Logger log = LoggerFactory.getLogger(LocalPartnerCenterBff.class);

    private LocalPartnerCenterBff() {}

    public static void main(String[] args) {
        ConfigurableApplicationContext context = start(
                Integer.getInteger("local.simulator.port", 8089), Integer.getInteger("local.issuer.port", 8090), args);
        log.info(whereEverythingIs(context.getEnvironment()));
    }

    /** Starts the simulator, the issuer and the service; closing the context stops all three. */
    public static ConfigurableApplicationContext start(int simulatorPort, int issuerPort, String... args) {
        WireMockServer simulator = onPort(
                "Partner Center simulator", "local.simulator.port", simulatorPort, PartnerCenterSimulator::start);
        MockOAuth2Server issuer;
        try {
            issuer = onPort("token issuer", "local.issuer.port", issuerPort, LocalTokenIssuer::start);
        } catch (RuntimeException e) {
            simulator.stop();
            throw e;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("partner-center.base-url", simulator.baseUrl());
        properties.put("partner-center.auth.tenant-id", "local-tenant");
        properties.put("partner-center.auth.client-id", "partner-center-bff-local");
        properties.put("partner-center.auth.client-secret", "local-client-secret");
        properties.put("partner-center.auth.refresh-token", LocalTokenIssuer.consent(issuer));
        properties.put(
                "partner-center.auth.token-uri",
                issuer.tokenEndpointUrl(LocalTokenIssuer.ENTRA_ISSUER).toString());
        // The portal issuer's keys, not its name: the issuer names itself after the host it was asked on, so a
        // token fetched from 127.0.0.1 and one from localhost are both accepted. Production sets issuer-uri.
        properties.put(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                issuer.jwksUrl(LocalTokenIssuer.PORTAL_ISSUER).toString());
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

    /**
     * A server on its port, or a failure that says which setting moves it: the default ports are often taken by
     * another local run.
     */
    private static <T> T onPort(String what, String property, int port, java.util.function.IntFunction<T> start) {
        try {
            return start.apply(port);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.net.BindException) {
                    throw new IllegalStateException(
                            "Port " + port + " for the " + what + " is taken: choose another"
                                    + " with ./mvnw spring-boot:test-run -D" + property + "=<port>",
                            e);
                }
            }
            throw e;
        }
    }

    /** The one line that says where everything is, and how to get a token with nothing but curl and sed. */
    public static String whereEverythingIs(Environment environment) {
        String api = "http://localhost:" + environment.getProperty("local.server.port");
        String tokenUrl = environment.getProperty("local.token-url");
        return "Local run ready. API " + api + "/api/v1, Swagger UI " + api + "/swagger-ui/index.html, actuator"
                + " http://localhost:" + environment.getProperty("local.management.port") + "/actuator, Partner"
                + " Center simulator " + environment.getProperty("partner-center.base-url") + ", token issuer "
                + tokenUrl.substring(0, tokenUrl.indexOf("/portal/")) + ". A token: TOKEN=$(curl -s " + tokenUrl
                + " -d grant_type=client_credentials -d client_id=portal -d client_secret=any -d"
                + " scope=partner-center-bff | sed -n 's/.*\"access_token\" *: *\"\\([^\"]*\\)\".*/\\1/p')";
    }
}
