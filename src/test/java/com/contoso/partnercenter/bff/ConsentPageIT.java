package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalPartnerCenterBff;
import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The consent page in a real browser, in the local run: Chromium, driven by {@code src/test/js/consent.mjs}, opens
 * the page, presses Renew, signs in on the token issuer's login page as the partner admin with the claims the local
 * run prints, and reads the answer: renewed, by whom, and the page saying the consent works. The screenshot is left
 * in {@code target/consent/}.
 */
class ConsentPageIT {

    static final Path SCREENSHOT = Path.of("target/consent/renewed.png");

    @Test
    void aPartnerAdminRenewsTheConsentInTheBrowser() throws Exception {
        try (ConfigurableApplicationContext context =
                LocalPartnerCenterBff.start(0, 0, "--server.port=0", "--management.server.port=0")) {
            String baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");

            String output = BrowserRun.passed(
                    "consent.mjs",
                    SCREENSHOT,
                    baseUrl,
                    LocalTokenIssuer.PARTNER_ADMIN,
                    LocalTokenIssuer.partnerAdminClaims());

            assertThat(output).contains("the callback answered 200", "renewed by " + LocalTokenIssuer.PARTNER_ADMIN);
        }
    }
}
