package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The consent page as the operator's browser meets it, against the fixture's token issuer as Entra ID (it signs the
 * partner admin in at once and issues the ID token) and the simulator as Partner Center: the page, the renewal, the
 * refusals a browser can cause, the audit event, and never a code or token on a page or in a log line.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {
            "partner-center.consent.enabled=true",
            "partner-center.consent.allowed-users=" + LocalTokenIssuer.PARTNER_ADMIN
        })
class ConsentPageTest extends EndToEndTest {

    /** The sign-in, with the cookie's attributes checked on the way. */
    private ConsentSignIn signIn() {
        String cookie = RawHttp.get(port, "/consent/renew").header("Set-Cookie");
        assertThat(cookie)
                .startsWith("consent-browser=")
                .contains("HttpOnly", "SameSite=Lax", "Path=/consent")
                .doesNotContain("Secure"); // plain HTTP here; behind HTTPS it is Secure
        return ConsentSignIn.at(port);
    }

    @Test
    void aPartnerAdminRenewsTheConsentAndThePageTheAuditAndTheLogsKeepEveryCodeAndTokenToThemselves(
            CapturedOutput output) throws Exception {
        simulator.setScenarioState(PartnerCenterSimulator.MFA, PartnerCenterSimulator.MFA_ENFORCED);
        String customer = UUID.randomUUID().toString();
        assertThat(RawHttp.get(
                                port,
                                "/api/v1/customers/" + customer + "/validation-status",
                                "Authorization",
                                "Bearer " + EndToEnd.readerToken(issuer))
                        .status())
                .isEqualTo(502);
        RawHttp.Answer down = RawHttp.get(port, "/consent");
        assertThat(down.status()).isEqualTo(200);
        assertThat(down.header("Content-Type")).startsWith("text/html");
        assertThat(down.body()).contains("must be renewed", "mfa-required", "900421", "/consent/renew");

        // The admin's sign-in lacked MFA: Partner Center says so, and nothing changes.
        ConsentSignIn withoutMfa = signIn();
        RawHttp.Answer refused = RawHttp.get(port, withoutMfa.callback(), "Cookie", withoutMfa.cookie());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Nothing was changed", "no-mfa");
        assertThat(RawHttp.get(port, "/consent").body()).contains("mfa-required");

        // With MFA (the simulator's switch off again), the renewal goes through and the consent works at once.
        Fixture.resetSimulator();
        ConsentSignIn withMfa = signIn();
        RawHttp.Answer renewed = RawHttp.get(port, withMfa.callback(), "Cookie", withMfa.cookie());
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        assertThat(renewed.body()).contains("renewed by <strong>" + LocalTokenIssuer.PARTNER_ADMIN);
        assertThat(RawHttp.get(port, "/consent").body()).contains("The consent works", "Last renewed here: 20");

        // Replayed: refused, and from another browser too.
        assertThat(RawHttp.get(port, withMfa.callback(), "Cookie", withMfa.cookie())
                        .body())
                .contains("state-used");
        ConsentSignIn another = signIn();
        RawHttp.Answer elsewhere = RawHttp.get(port, another.callback());
        assertThat(elsewhere.status()).isEqualTo(400);
        assertThat(elsewhere.body()).contains("other-browser");

        String code = UriComponentsBuilder.fromUriString(withMfa.callback())
                .build()
                .getQueryParams()
                .getFirst("code");
        String logs = output.getOut() + output.getErr();
        assertThat(logs)
                .contains(
                        "\"event\":\"consent\"",
                        "\"outcome\":\"renewed\"",
                        "\"outcome\":\"no-mfa\"",
                        "\"user\":\"" + LocalTokenIssuer.PARTNER_ADMIN + "\"",
                        "\"tenant\":\"" + LocalTokenIssuer.PARTNER_TENANT + "\"")
                .contains("The service's consent was renewed on its consent page (it was mfa-required")
                .doesNotContain(code);
        assertThat(renewed.body() + refused.body() + withMfa.authorization()).doesNotContain(code);
        // The INFO line names the request that renewed it, as the audit does.
        assertThat(logs)
                .containsPattern("\\[partner-center-bff,[0-9a-f-]{36},[^]]*] [^\n]*The service's consent was renewed");
        // The audit names the request that did it.
        assertThat(logs).containsPattern("\"outcome\":\"renewed\",\"correlationId\":\"[0-9a-f-]{36}\"");
    }

    @Test
    void aCallbackWithoutItsStateOrWithEntraIdsErrorIsABadRequestThatChangesNothing() {
        RawHttp.Answer missing = RawHttp.get(port, "/consent/callback?code=x");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("state-missing");
        RawHttp.Answer unknown = RawHttp.get(port, "/consent/callback?state=made-up&error=access_denied");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("state-unknown");
        assertThat(Map.of("page", RawHttp.get(port, "/consent").body()).get("page"))
                .contains("Renew the consent");
    }
}
