package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.failure.ConsentNeeded;
import com.contoso.partnercenter.bff.partnercenter.upstream.Connectors;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether an App+User access token carries an MFA sign-in, as Partner Center judges it: one {@code GET
 * /v1/customers/all/validations} with the request header {@code ValidateMfa: true}. A 401 with error code {@code
 * 900421}, or the answer header {@code isMfaCompliant: false}, says it does not; a 2xx otherwise says it does;
 * anything else (a 5xx, a 429, no answer) says nothing. Used to prove a consent renewed on the consent page before
 * it replaces anything.
 */
@Component
public final class MfaCheck {

    static final String VALIDATE_MFA = "ValidateMfa";
    static final String IS_MFA_COMPLIANT = "isMfaCompliant";

    /** What Partner Center said of the token's sign-in. */
    public enum Verdict {
        COMPLIANT,
        /** The answer header isMfaCompliant: false. */
        NOT_COMPLIANT,
        /** A 401 with error code 900421: Partner Center refused the call for want of MFA. */
        REFUSED_WITHOUT_MFA,
        /** Partner Center could not be asked, or its answer says neither. */
        UNKNOWN;

        public boolean withoutMfa() {
            return this == NOT_COMPLIANT || this == REFUSED_WITHOUT_MFA;
        }
    }

    private final WebClient webClient;
    private final URI validations;

    MfaCheck(PartnerCenterProperties properties, WebClient.Builder builder) {
        this.webClient = builder.clone()
                .clientConnector(Connectors.connector(properties.auth().timeout()))
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
                .defaultHeader("MS-Contract-Version", "v1")
                .defaultHeader("MS-PartnerCenter-Application", properties.applicationName())
                .defaultHeader("X-Locale", properties.locale())
                .build();
        String base = properties.baseUrl().toString();
        this.validations = URI.create(
                (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/customers/all/validations");
    }

    /** Partner Center's verdict on the sign-in behind {@code accessToken}, an App+User token. */
    Mono<Verdict> check(String accessToken) {
        return webClient
                .get()
                .uri(validations)
                .headers(headers -> {
                    headers.setBearerAuth(accessToken);
                    headers.set(VALIDATE_MFA, "true");
                    headers.set("MS-RequestId", CorrelationId.newId());
                    headers.set("MS-CorrelationId", CorrelationId.newId());
                })
                .exchangeToMono(MfaCheck::verdict)
                .onErrorResume(unreachable -> Mono.just(Verdict.UNKNOWN));
    }

    private static Mono<Verdict> verdict(ClientResponse response) {
        String compliant = response.headers().asHttpHeaders().getFirst(IS_MFA_COMPLIANT);
        return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> {
            if ("false".equalsIgnoreCase(compliant)) {
                return Verdict.NOT_COMPLIANT;
            }
            if (response.statusCode().value() == 401
                    && ConsentNeeded.PARTNER_CENTER_MFA_CODE.equals(
                            UpstreamError.parse(JsonMapper.shared(), body).code())) {
                return Verdict.REFUSED_WITHOUT_MFA;
            }
            return response.statusCode().is2xxSuccessful() ? Verdict.COMPLIANT : Verdict.UNKNOWN;
        });
    }
}
