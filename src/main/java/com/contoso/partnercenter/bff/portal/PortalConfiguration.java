package com.contoso.partnercenter.bff.portal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PortalConfiguration {

    @Bean
    Portals portals(PortalProperties properties) {
        return new Portals(properties);
    }
}
