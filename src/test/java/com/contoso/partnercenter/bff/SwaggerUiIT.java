package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalPartnerCenterBff;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Swagger UI in a real browser: Chromium, driven by {@code src/test/js/swagger-ui.mjs} (playwright-core), does
 * what the README tells a person to do in the local run and reads the answer off the page. The screenshot is
 * left in {@code target/swagger-ui/}. Without Chromium the test fails: CI installs Debian's {@code chromium}.
 */
class SwaggerUiIT {

    static final Path SCREENSHOT = Path.of("target/swagger-ui/purchase-eligibility.png");

    @Test
    void aPersonAuthorizesWithOneClickAndSeesTheBlockedCustomer() throws Exception {
        // Port 0: the simulator, the issuer and both of the service's ports are free ones the system picks.
        try (ConfigurableApplicationContext context =
                LocalPartnerCenterBff.start(0, 0, "--server.port=0", "--management.server.port=0")) {
            String baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");

            String output = BrowserRun.passed("swagger-ui.mjs", SCREENSHOT, baseUrl);

            assertThat(output).contains("the page shows status 200");
        }
    }
}
