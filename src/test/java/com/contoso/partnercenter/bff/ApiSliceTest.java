package com.contoso.partnercenter.bff;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

import com.contoso.partnercenter.bff.eligibility.BatchProperties;
import com.contoso.partnercenter.bff.eligibility.EligibilityProperties;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.fleet.FleetState;
import com.contoso.partnercenter.bff.partnercenter.fleet.InMemoryFleetState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.JwtRequestPostProcessor;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The web layer with the real security configuration, problem handling and eligibility rule, and a mocked
 * Partner Center client. Subclasses share one application context.
 */
@WebMvcTest(
        includeFilters =
                @ComponentScan.Filter(
                        type = FilterType.REGEX,
                        pattern = {
                            ".*\\.SecurityConfiguration",
                            ".*\\.WebConfiguration",
                            ".*\\.PurchaseEligibilityService",
                            ".*\\.PortalConfiguration"
                        }))
@Import(ApiSliceTest.Meters.class)
// The deadline the idempotency keys use; the rest only so that the properties bind.
@TestPropertySource(
        properties = {
            "partner-center.auth.tenant-id=slice",
            "partner-center.auth.client-id=slice",
            "partner-center.auth.client-secret=slice",
            "partner-center.auth.refresh-token=slice"
        })
public abstract class ApiSliceTest {

    protected static final String CUSTOMER = "0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a";

    @Autowired
    protected MockMvcTester mvc;

    @MockitoBean
    protected PartnerCenterClient partnerCenter;

    @MockitoBean
    JwtDecoder jwtDecoder;

    protected static JwtRequestPostProcessor reader() {
        return jwt().authorities(new SimpleGrantedAuthority("partner-center.read"));
    }

    protected static JwtRequestPostProcessor writer() {
        return jwt().authorities(
                        new SimpleGrantedAuthority("partner-center.read"),
                        new SimpleGrantedAuthority("partner-center.write"));
    }

    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        BatchProperties.class,
        EligibilityProperties.class,
        PartnerCenterProperties.class,
        com.contoso.partnercenter.bff.portal.PortalProperties.class
    })
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        // Where the idempotency keys of updates are kept, as for a replica alone.
        @Bean
        FleetState fleetState() {
            return new InMemoryFleetState("slice-test:", Clock.systemUTC());
        }
    }
}
