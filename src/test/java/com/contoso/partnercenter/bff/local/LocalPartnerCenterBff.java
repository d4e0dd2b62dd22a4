package com.contoso.partnercenter.bff.local;

import com.contoso.partnercenter.bff.Fixture;
import com.contoso.partnercenter.bff.PartnerCenterBffApplication;
import com.contoso.partnercenter.bff.fleet.RedisServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
        int simulatorPort = Integer.getInteger("local.simulator.port", 8089);
        int issuerPort = Integer.getInteger("local.issuer.port", 8090);
        int replicas = Integer.getInteger("local.replicas", 1);
        if (replicas < 2) {
            log.info(whereEverythingIs(
                    start(simulatorPort, issuerPort, Map.of(), args).getEnvironment()));
            return;
        }
        for (ConfigurableApplicationContext replica : startFleet(simulatorPort, issuerPort, replicas, args)) {
            log.info(whereEverythingIs(replica.getEnvironment()));
        }
    }

    /**
     * Fleet mode by hand ({@code -Dlocal.replicas=2}): a local {@code redis-server} of its own on a free port, and
     * that many replicas sharing it, on API ports 8080, 8082, … (management 8081, 8083, …), one simulator and one
     * issuer. Closing any replica stops them all.
     */
    public static List<ConfigurableApplicationContext> startFleet(
            int simulatorPort, int issuerPort, int replicas, String... args) {
        RedisServer redis = RedisServer.start();
        // Its own process: it must not outlive the run, however the run ends.
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Map<String, Object> fleet = Map.of(
                "spring.data.redis.url", redis.url(),
                "partner-center.fleet.token-key", java.util.Base64.getEncoder().encodeToString(key));
        List<ConfigurableApplicationContext> started = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            String[] ports = {"--server.port=" + (8080 + 2 * i), "--management.server.port=" + (8081 + 2 * i)};
            String[] arguments = java.util.stream.Stream.concat(Arrays.stream(ports), Arrays.stream(args))
                    .toArray(String[]::new);
            if (i == 0) {
                ConfigurableApplicationContext first = start(simulatorPort, issuerPort, fleet, arguments);
                first.addApplicationListener(closed -> {
                    if (closed instanceof ContextClosedEvent) {
                        redis.close();
                    }
                });
                started.add(first);
            } else {
                // The first replica's simulator, issuer and consent: one partner, one fleet.
                Map<String, Object> same = new LinkedHashMap<>(localRun(started.get(0)));
                started.add(run(same, arguments, () -> started.forEach(ConfigurableApplicationContext::close)));
            }
        }
        return started;
    }

    /** Starts the simulator, the issuer and the service; closing the context stops all three. */
    public static ConfigurableApplicationContext start(int simulatorPort, int issuerPort, String... args) {
        return start(simulatorPort, issuerPort, Map.of(), args);
    }

    static ConfigurableApplicationContext start(
            int simulatorPort, int issuerPort, Map<String, Object> extra, String... args) {
        WireMockServer simulator = onPort(
                "Partner Center simulator", "local.simulator.port", simulatorPort, PartnerCenterSimulator::start);
        MockOAuth2Server issuer;
        try {
            issuer = onPort("token issuer", "local.issuer.port", issuerPort, LocalTokenIssuer::start);
        } catch (RuntimeException e) {
            simulator.stop();
            throw e;
        }
        // The portal issuer's keys, not its name: the issuer names itself after the host it was asked on, so a
        // token fetched from 127.0.0.1 and one from localhost are both accepted. Production sets issuer-uri.
        Map<String, Object> properties = new LinkedHashMap<>(
                Fixture.serviceProperties(simulator.baseUrl(), issuer, LocalTokenIssuer.consent(issuer), true));
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
        // The consent page, against the issuer's login page: sign in as the partner admin, with the claims it offers.
        properties.put("partner-center.consent.enabled", "true");
        properties.put("partner-center.consent.allowed-users", LocalTokenIssuer.PARTNER_ADMIN);
        // The review switch shows on a stream within seconds, not the production default's five minutes.
        properties.put("partner-center.watch.interval", "10s");
        properties.putAll(extra);
        try {
            return run(properties, args, () -> {
                simulator.stop();
                issuer.shutdown();
            });
        } catch (RuntimeException e) {
            simulator.stop();
            issuer.shutdown();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> localRun(ConfigurableApplicationContext replica) {
        return (Map<String, Object>)
                replica.getEnvironment().getPropertySources().get("local-run").getSource();
    }

    /** The service with the local run's properties, above application.yaml and below the command line. */
    private static ConfigurableApplicationContext run(Map<String, Object> properties, String[] args, Runnable onClose) {
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
                onClose.run();
            }
        });
        return application.run(args);
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
        return "Local run ready. API " + api + "/api/v1, Swagger UI " + api + "/swagger-ui/index.html, consent page "
                + api + "/consent (sign in as " + LocalTokenIssuer.PARTNER_ADMIN + " with the claims "
                + LocalTokenIssuer.partnerAdminClaims() + "), actuator"
                + " http://localhost:" + environment.getProperty("local.management.port") + "/actuator, Partner"
                + " Center simulator " + environment.getProperty("partner-center.base-url") + ", token issuer "
                + tokenUrl.substring(0, tokenUrl.indexOf("/portal/")) + ". A token: TOKEN=$(curl -s " + tokenUrl
                + " -d grant_type=client_credentials -d client_id=portal -d client_secret=any -d"
                + " scope=partner-center-bff | sed -n 's/.*\"access_token\" *: *\"\\([^\"]*\\)\".*/\\1/p')";
    }
}
