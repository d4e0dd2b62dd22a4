package com.contoso.partnercenter.bff.web;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Which portal is calling: the client id of its bearer token. Entra ID puts it in {@code azp} (v2 tokens) or
 * {@code appid} (v1); other issuers in {@code client_id} (RFC 9068). A token with none of them is known by its
 * subject.
 */
public final class PortalClientId {

    private static final String[] CLIENT_ID_CLAIMS = {"azp", "appid", "client_id"};

    private PortalClientId() {}

    /** The calling portal's client id, or {@code sub:<subject>} when its token names no client. */
    public static String of() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return "anonymous";
        }
        String clientId = ofToken();
        return clientId != null ? clientId : "sub:" + token.getToken().getSubject();
    }

    /** The client id the request's token names; {@code null} for none, or no token. */
    public static String ofToken() {
        return firstClaim(CLIENT_ID_CLAIMS);
    }

    /** The first of these claims the request's token carries as a non-blank string; {@code null} for none. */
    public static String firstClaim(String... names) {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token)) {
            return null;
        }
        for (String name : names) {
            if (token.getToken().getClaims().get(name) instanceof String value && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
