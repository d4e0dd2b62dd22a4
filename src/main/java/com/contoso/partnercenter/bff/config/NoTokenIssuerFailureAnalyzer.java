package com.contoso.partnercenter.bff.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says, in Spring Boot's short startup failure report instead of a stack trace, which property a service
 * without a token issuer needs: the same kind of report as for a missing credential.
 */
class NoTokenIssuerFailureAnalyzer extends AbstractFailureAnalyzer<NoTokenIssuerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoTokenIssuerException cause) {
        return new FailureAnalysis(
                "The API cannot check the portals' bearer tokens: neither"
                        + " spring.security.oauth2.resourceserver.jwt.issuer-uri nor"
                        + " spring.security.oauth2.resourceserver.jwt.jwk-set-uri is set.",
                "Set spring.security.oauth2.resourceserver.jwt.issuer-uri"
                        + " (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI) to the issuer of the portals' tokens,"
                        + " for Entra ID https://login.microsoftonline.com/<tenant-id>/v2.0, or jwk-set-uri to its key"
                        + " set.",
                cause);
    }
}
