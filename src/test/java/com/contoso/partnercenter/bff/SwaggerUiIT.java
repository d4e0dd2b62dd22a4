package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalPartnerCenterBff;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Swagger UI in a real browser: Chromium, driven by {@code src/test/js/swagger-ui.mjs} (playwright-core), does
 * what the README tells a person to do in the local run and reads the answer off the page. The screenshot is
 * left in {@code target/swagger-ui/}. Without Chromium the test fails: CI installs Debian's {@code chromium}.
 */
class SwaggerUiIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCRIPT = Path.of("src/test/js/swagger-ui.mjs");
    static final Path SCREENSHOT = Path.of("target/swagger-ui/purchase-eligibility.png");
    static final long TIMEOUT_SECONDS = 120;

    @Test
    void aPersonAuthorizesWithOneClickAndSeesTheBlockedCustomer() throws Exception {
        assertThat(CHROMIUM)
                .as("Chromium for the Swagger UI test (apt-get install chromium; .ci/run does)")
                .isExecutable();
        Files.deleteIfExists(SCREENSHOT);
        // Port 0: the simulator, the issuer and both of the service's ports are free ones the system picks.
        try (ConfigurableApplicationContext context =
                LocalPartnerCenterBff.start(0, 0, "--server.port=0", "--management.server.port=0")) {
            String baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
            File log = Files.createTempFile("swagger-ui", ".log").toFile();
            Process browser = new ProcessBuilder("node", SCRIPT.toString(), baseUrl, SCREENSHOT.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            boolean finished = browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log.toPath());
            Files.delete(log.toPath());
            System.out.println(output);

            assertThat(finished)
                    .as("The browser run did not finish within %d s:%n%s", TIMEOUT_SECONDS, output)
                    .isTrue();
            assertThat(browser.exitValue())
                    .as("The browser run failed (screenshot: %s):%n%s", SCREENSHOT, output)
                    .isZero();
            assertThat(output).contains("the page shows status 200");
            assertThat(SCREENSHOT).isNotEmptyFile();
        }
    }
}
