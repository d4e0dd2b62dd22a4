package com.contoso.partnercenter.bff.partnercenter;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.autoconfigure.ReactorAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

/**
 * The Partner Center module alone, wired by Spring as the application wires it: its own components, with Boot's
 * Jackson, WebClient, Reactor and Resilience4j (from {@code application.yaml}), for a replica alone. A test starts a
 * fresh one for what it checks, against a Partner Center of its own, and closes it.
 */
final class ModuleUnderTest implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private ModuleUnderTest(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * The module with its credentials for Partner Center at {@code baseUrl} and Entra ID's token endpoint at {@code
     * tokenUri}, and these properties on top ({@code name=value}).
     */
    static ModuleUnderTest start(String baseUrl, String tokenUri, Clock clock, String... properties) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("partner-center.base-url", baseUrl);
        settings.put("partner-center.application-name", "portal-bff-test");
        settings.put("partner-center.locale", "de-DE");
        settings.put("partner-center.auth.tenant-id", "tenant-1");
        settings.put("partner-center.auth.client-id", "client-1");
        settings.put("partner-center.auth.client-secret", "secret-1");
        settings.put("partner-center.auth.refresh-token", "refresh-token-0");
        settings.put("partner-center.auth.token-uri", tokenUri);
        settings.put("spring.main.banner-mode", "off");
        settings.put("logging.level.org.springframework.boot.StartupInfoLogger", "warn");
        for (String property : properties) {
            int equals = property.indexOf('=');
            settings.put(property.substring(0, equals), property.substring(equals + 1));
        }
        // As arguments, above application.yaml, as a pod's environment is.
        String[] arguments = settings.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toArray(String[]::new);
        return new ModuleUnderTest(new SpringApplicationBuilder(Wiring.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .initializers(context -> context.getBeanFactory().registerSingleton("clock", clock))
                .run(arguments));
    }

    /**
     * Modules a test starts, closed after it: each against the Partner Center at the base URL given, its Entra ID
     * at {@code tokenUri}, caching off unless a test is about it (most count upstream calls), three quick attempts of
     * at most 2 s each, and a breaker that needs a hundred calls.
     */
    static final class Started implements AfterEachCallback {

        private final List<ModuleUnderTest> started = new ArrayList<>();
        private final Supplier<String> tokenUri;

        Started(Supplier<String> tokenUri) {
            this.tokenUri = tokenUri;
        }

        /** Modules against {@code upstream} as Partner Center and as Entra ID's token endpoint. */
        Started(WireMockExtension upstream) {
            this(() -> upstream.baseUrl() + PartnerCenterTest.TOKEN_PATH);
        }

        ModuleUnderTest start(String baseUrl, String... properties) {
            return startWith(Clock.systemUTC(), baseUrl, properties);
        }

        /** The same, with the module's clock the test's. */
        ModuleUnderTest startWith(Clock clock, String baseUrl, String... properties) {
            List<String> all = new ArrayList<>(List.of(
                    "partner-center.cache.ttl=0",
                    "resilience4j.retry.configs.default.wait-duration=20ms",
                    "resilience4j.retry.configs.default.enable-exponential-backoff=false",
                    "resilience4j.retry.configs.default.enable-randomized-wait=false",
                    "resilience4j.timelimiter.configs.default.timeout-duration=2s",
                    "resilience4j.circuitbreaker.configs.default.sliding-window-size=100",
                    "resilience4j.circuitbreaker.configs.default.minimum-number-of-calls=100"));
            all.addAll(List.of(properties));
            var module = ModuleUnderTest.start(baseUrl, tokenUri.get(), clock, all.toArray(String[]::new));
            started.add(module);
            return module;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            started.forEach(ModuleUnderTest::close);
            started.clear();
        }
    }

    /** WireMock on a free port of 127.0.0.1, as Partner Center and Entra ID for a test class's modules. */
    static WireMockExtension upstream() {
        return WireMockExtension.newInstance()
                .options(WireMockConfiguration.wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    PartnerCenter partnerCenter() {
        return bean(PartnerCenter.class);
    }

    MeterRegistry meters() {
        return bean(MeterRegistry.class);
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @ImportAutoConfiguration({
        JacksonAutoConfiguration.class,
        SslAutoConfiguration.class,
        CodecsAutoConfiguration.class,
        WebClientAutoConfiguration.class,
        ReactorAutoConfiguration.class,
        RetryAutoConfiguration.class,
        CircuitBreakerAutoConfiguration.class,
        BulkheadAutoConfiguration.class,
        TimeLimiterAutoConfiguration.class
    })
    @ComponentScan(basePackageClasses = PartnerCenter.class)
    @EnableConfigurationProperties(PartnerCenterProperties.class)
    static class Wiring {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
