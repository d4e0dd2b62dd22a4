package com.contoso.partnercenter.bff;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class PartnerCenterBffApplication {

    public static void main(String[] args) {
        SpringApplication.run(PartnerCenterBffApplication.class, args);
    }
}
