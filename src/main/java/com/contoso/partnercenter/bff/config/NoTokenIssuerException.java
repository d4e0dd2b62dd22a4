package com.contoso.partnercenter.bff.config;

/** The API was started without a way to check bearer tokens: neither an issuer nor a key set is configured. */
class NoTokenIssuerException extends IllegalStateException {

    NoTokenIssuerException() {
        super("No issuer or key set to check the portals' bearer tokens with.");
    }
}
