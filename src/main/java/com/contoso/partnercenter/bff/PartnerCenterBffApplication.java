package com.contoso.partnercenter.bff;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class PartnerCenterBffApplication {

    public static void main(String[] args) {
        SpringApplication.run(PartnerCenterBffApplication.class, args);
    }

    /**
     * The service's one clock, which everything that keeps time by it takes: token ages, expiries, gates, caches, the
     * audit's times. Tests move a clock of their own instead of sleeping through a TTL.
     */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
