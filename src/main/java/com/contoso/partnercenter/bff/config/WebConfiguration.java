package com.contoso.partnercenter.bff.config;

import com.contoso.partnercenter.bff.partnercenter.Portals;
import com.contoso.partnercenter.bff.qualification.UpdateAudit;
import com.contoso.partnercenter.bff.web.CallingPortalFilter;
import com.contoso.partnercenter.bff.web.ContainerErrorValve;
import com.contoso.partnercenter.bff.web.CorrelationIdFilter;
import com.contoso.partnercenter.bff.web.EntityTags;
import com.contoso.partnercenter.bff.web.RequestBodyLimitFilter;
import com.contoso.partnercenter.bff.web.UnreadableRequestFilter;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every request passes before Spring Security and Spring MVC, in this order: its correlation id, the body
 * limit, and the check that its query, form and {@code Accept} can be read at all. Whatever Tomcat refuses
 * before these run is answered by {@link ContainerErrorValve}, so every refusal is a problem.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    // First of all, so every answer, a 401 or a 413 included, carries the correlation id.
    @Bean
    FilterRegistrationBean<CorrelationIdFilter> correlationIdFilter() {
        var registration = new FilterRegistrationBean<>(new CorrelationIdFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    // Right after the correlation id, so an oversized body is refused before anything reads it.
    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new RequestBodyLimitFilter(json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    // Before Spring Security, whose firewall reads parameters too.
    @Bean
    FilterRegistrationBean<UnreadableRequestFilter> unreadableRequestFilter(JsonMapper json) {
        var registration = new FilterRegistrationBean<>(new UnreadableRequestFilter(json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    // Spring Security's filter chain, at Boot's default spring.security.filter.order.
    private static final int SECURITY_FILTER_ORDER = -100;

    // Right after Spring Security's chain, which has read the token by then.
    @Bean
    FilterRegistrationBean<CallingPortalFilter> callingPortalFilter(Portals portals) {
        var registration = new FilterRegistrationBean<>(new CallingPortalFilter(portals));
        registration.setOrder(SECURITY_FILTER_ORDER + 1);
        return registration;
    }

    // After the portal is named, around everything that answers the update.
    @Bean
    FilterRegistrationBean<UpdateAudit> updateAudit(JsonMapper json, Clock clock) {
        var registration = new FilterRegistrationBean<>(new UpdateAudit(json, clock));
        registration.setOrder(SECURITY_FILTER_ORDER + 2);
        return registration;
    }

    // Inside Spring Security's chain, which then sees the answer's own Cache-Control and adds none of its own.
    @Bean
    FilterRegistrationBean<EntityTags> entityTags() {
        var registration = new FilterRegistrationBean<>(new EntityTags());
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    /**
     * Tomcat's error report (an HTML page) becomes a problem. Boot puts Tomcat's own valve on the host; this runs
     * after Boot's customizer and takes its place, and tells the host so it does not add another.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports(JsonMapper json) {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    StandardHost host = (StandardHost) context.getParent();
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ContainerErrorValve(json));
                    host.setErrorReportValveClass(ContainerErrorValve.class.getName());
                });
            }
        };
    }
}
