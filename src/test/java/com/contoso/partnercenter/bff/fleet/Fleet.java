package com.contoso.partnercenter.bff.fleet;

import com.contoso.partnercenter.bff.PartnerCenterBffApplication;
import com.contoso.partnercenter.bff.RawHttp;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Replicas of the service, each a whole application on ports of its own, sharing one Partner Center, one token
 * issuer and one Redis, as pods of one Deployment do.
 */
final class Fleet implements AutoCloseable {

    /** The fleet's AES-256 key, as an operator would make one: 32 random bytes, base64. */
    static final String TOKEN_KEY = Base64.getEncoder()
            .encodeToString(new Random(11)
                    .ints(32, 0, 256)
                    .collect(() -> new java.io.ByteArrayOutputStream(), (out, b) -> out.write(b), (a, b) -> {})
                    .toByteArray());

    private final WireMockServer partnerCenter;
    private final MockOAuth2Server issuer;
    private final RedisTopology redis;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Replica> replicas = new ArrayList<>();

    Fleet(WireMockServer partnerCenter, MockOAuth2Server issuer, RedisTopology redis, String refreshToken) {
        this.partnerCenter = partnerCenter;
        this.issuer = issuer;
        this.redis = redis;
        settings.put("server.port", 0);
        settings.put("management.server.port", 0);
        settings.put("partner-center.base-url", partnerCenter.baseUrl());
        settings.put("partner-center.auth.tenant-id", "fleet-tenant");
        settings.put("partner-center.auth.client-id", "partner-center-bff-local");
        settings.put("partner-center.auth.client-secret", "local-client-secret");
        settings.put("partner-center.auth.refresh-token", refreshToken);
        settings.put(
                "partner-center.auth.token-uri",
                issuer.tokenEndpointUrl(LocalTokenIssuer.ENTRA_ISSUER).toString());
        settings.put(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                issuer.jwksUrl(LocalTokenIssuer.PORTAL_ISSUER).toString());
        settings.put("spring.security.oauth2.resourceserver.jwt.audiences", LocalTokenIssuer.AUDIENCE);
        settings.putAll(redis.springProperties());
        settings.put("partner-center.fleet.token-key", TOKEN_KEY);
        settings.put("partner-center.deadline", "5s");
        settings.put("resilience4j.timelimiter.configs.default.timeout-duration", "4s");
        settings.put("resilience4j.retry.configs.default.wait-duration", "50ms");
    }

    Fleet with(String property, Object value) {
        settings.put(property, value);
        return this;
    }

    /** One more replica, with the fleet's settings and these on top (property, value, property, value, …). */
    Replica start(Object... overrides) {
        Map<String, Object> properties = new LinkedHashMap<>(settings);
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            properties.put((String) overrides[i], overrides[i + 1]);
        }
        // As arguments, above application.yaml, as a pod's environment is.
        String[] arguments = properties.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(PartnerCenterBffApplication.class).run(arguments);
        var replica = new Replica(context);
        replicas.add(replica);
        return replica;
    }

    List<Replica> replicas() {
        return replicas;
    }

    @Override
    public void close() {
        replicas.forEach(Replica::stop);
    }

    /** One replica, and what a portal and an operator do with it. */
    static final class Replica {
        final ConfigurableApplicationContext context;
        final int port;
        final int managementPort;

        Replica(ConfigurableApplicationContext context) {
            this.context = context;
            this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
        }

        RawHttp.Answer get(String path, String token) {
            return RawHttp.get(port, path, "Authorization", "Bearer " + token);
        }

        RawHttp.Answer post(String path, String token, String json, String... headers) {
            List<String> all =
                    new ArrayList<>(List.of("Authorization", "Bearer " + token, "Content-Type", "application/json"));
            all.addAll(List.of(headers));
            return RawHttp.send(port, "POST", path, json.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
        }

        RawHttp.Answer management(String path) {
            return RawHttp.get(managementPort, path);
        }

        <T> T bean(Class<T> type) {
            return context.getBean(type);
        }

        void stop() {
            if (context.isActive()) {
                context.close();
            }
        }
    }
}
