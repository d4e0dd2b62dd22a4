package com.contoso.partnercenter.bff;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The one test fixture: a Partner Center simulator (WireMock, {@link PartnerCenterSimulator}) and a token issuer
 * (mock-oauth2-server, {@link LocalTokenIssuer}) for the whole test run, and the properties that point the service
 * at them, for every test that runs the service: the full-stack tests ({@link EndToEndTest}), the fleet's replicas
 * and the local run. Started when first used, stopped when the test JVM ends.
 */
public final class Fixture {

    /** Started with the first test that needs them, not with the local run, which has its own on fixed ports. */
    private static final class Servers {
        static final WireMockServer simulator = PartnerCenterSimulator.start(0);
        static final MockOAuth2Server issuer = LocalTokenIssuer.start(0);

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                simulator.stop();
                issuer.shutdown();
            }));
        }
    }

    /** The Partner Center simulator of the test run. */
    public static WireMockServer simulator() {
        return Servers.simulator;
    }

    /** The token issuer of the test run: Entra ID for the service, the portals' issuer for theirs. */
    public static MockOAuth2Server issuer() {
        return Servers.issuer;
    }

    private Fixture() {}

    /**
     * What points a service at a Partner Center simulator and a token issuer: Partner Center's base URL, the
     * service's Entra ID credentials at the issuer's {@code entra} issuer, with this consent's refresh token, and the
     * portal issuer for the portals' tokens, checked by its name and keys ({@code issuer-uri}), as production does.
     */
    public static Map<String, Object> serviceProperties(
            String partnerCenter, MockOAuth2Server issuer, String refreshToken) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("partner-center.base-url", partnerCenter);
        properties.put("partner-center.auth.tenant-id", LocalTokenIssuer.PARTNER_TENANT);
        properties.put("partner-center.auth.client-id", LocalTokenIssuer.SERVICE_CLIENT_ID);
        properties.put("partner-center.auth.client-secret", LocalTokenIssuer.SERVICE_CLIENT_SECRET);
        properties.put("partner-center.auth.refresh-token", refreshToken);
        String entra = issuer.issuerUrl(LocalTokenIssuer.ENTRA_ISSUER).toString();
        properties.put("partner-center.auth.token-uri", entra + "/token");
        // The consent page's Entra ID: where it sends the browser, and who signs the ID tokens it checks.
        properties.put("partner-center.auth.authorization-uri", entra + "/authorize");
        properties.put("partner-center.auth.jwk-set-uri", entra + "/jwks");
        properties.put("partner-center.auth.issuer-uri", entra);
        properties.put(
                "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                issuer.issuerUrl(LocalTokenIssuer.PORTAL_ISSUER).toString());
        properties.put("spring.security.oauth2.resourceserver.jwt.audiences", LocalTokenIssuer.AUDIENCE);
        return properties;
    }

    /**
     * The same, with the portals' tokens checked by the issuer's keys alone ({@code jwk-set-uri}): the issuer names
     * itself after the host it was asked on, so that a token fetched from 127.0.0.1 and one from localhost both pass.
     */
    public static Map<String, Object> serviceProperties(
            String partnerCenter, MockOAuth2Server issuer, String refreshToken, boolean byKeysAlone) {
        Map<String, Object> properties = serviceProperties(partnerCenter, issuer, refreshToken);
        if (byKeysAlone) {
            properties.remove("spring.security.oauth2.resourceserver.jwt.issuer-uri");
            properties.put(
                    "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                    issuer.jwksUrl(LocalTokenIssuer.PORTAL_ISSUER).toString());
        }
        return properties;
    }

    /** The simulator back to its own answers, for the next test class: its stubs, scenarios and memory as started. */
    public static void resetSimulator() {
        PartnerCenterSimulator.reset(simulator());
    }

    /**
     * The service's settings as it binds them, with its defaults and these on top ({@code name=value}, names under
     * {@code partner-center.}), for a unit that takes them.
     */
    public static PartnerCenterProperties settings(String... properties) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("partner-center.auth.tenant-id", "unit-tenant");
        values.put("partner-center.auth.client-id", "unit-client");
        values.put("partner-center.auth.client-secret", "unit-secret");
        values.put("partner-center.auth.refresh-token", "unit-refresh-token");
        Arrays.stream(properties).forEach(property -> {
            int equals = property.indexOf('=');
            values.put("partner-center." + property.substring(0, equals), property.substring(equals + 1));
        });
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("partner-center", PartnerCenterProperties.class);
    }
}
