package com.contoso.partnercenter.bff;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

import com.contoso.partnercenter.bff.partnercenter.Answer;
import com.contoso.partnercenter.bff.partnercenter.ConsentRenewal;
import com.contoso.partnercenter.bff.partnercenter.CreatedQualification;
import com.contoso.partnercenter.bff.partnercenter.CustomerQualification;
import com.contoso.partnercenter.bff.partnercenter.CustomerWatch;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenter;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * The web layer with the real security configuration, problem handling and eligibility rule, and a mocked front door
 * of the Partner Center module. Subclasses share one application context.
 */
@WebMvcTest(
        includeFilters =
                @ComponentScan.Filter(
                        type = FilterType.REGEX,
                        pattern = {
                            ".*\\.SecurityConfiguration",
                            ".*\\.WebConfiguration",
                            ".*\\.PurchaseEligibilityService",
                            ".*\\.Portals"
                        }))
@Import(ApiSliceTest.Collaborators.class)
// Only so that the settings bind.
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
    protected PartnerCenter partnerCenter;

    @MockitoBean
    JwtDecoder jwtDecoder;

    // The consent page's front door: no slice test is about it (ConsentPageTest is).
    @MockitoBean
    ConsentRenewal consentRenewal;

    // The stream's front door: no slice test is about it (CustomerEventsTest is).
    @MockitoBean
    CustomerWatch customerWatch;

    /** The front door's answer: straight from Partner Center, as with the cache off. */
    protected static <T> Answer<T> answer(T value) {
        return new Answer<>(value, "partner-center-bff; fwd=bypass", null, null);
    }

    /** An update's answer: the qualification Partner Center created, sent once. */
    protected static Answer<CreatedQualification> created(CustomerQualification qualification) {
        return answer(new CreatedQualification(qualification, "slice-request-id", false, null));
    }

    protected static JwtRequestPostProcessor reader() {
        return jwt().authorities(new SimpleGrantedAuthority("partner-center.read"));
    }

    protected static JwtRequestPostProcessor writer() {
        return jwt().authorities(
                        new SimpleGrantedAuthority("partner-center.read"),
                        new SimpleGrantedAuthority("partner-center.write"));
    }

    /** What the web layer takes besides the front door (the application's clock and Boot's task executor come along). */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PartnerCenterProperties.class)
    static class Collaborators {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
