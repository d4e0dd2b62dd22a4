package com.contoso.partnercenter.bff.partnercenter.auth;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterProperties.ClientAuthentication;
import com.contoso.partnercenter.bff.startup.Misconfiguration;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractWebClientReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.NimbusJwtClientAuthenticationParametersConverter;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * How the service proves itself to Entra ID on every token request, whatever the grant (client credentials, refresh
 * token, authorization code): the client secret, a {@code private_key_jwt} assertion signed with the key of an SSL
 * bundle, or Azure Workload Identity's federated token as the assertion. Built on Spring Security's token response
 * clients: a parameters converter adds the assertion to the body their default converter writes (the client id,
 * and the secret only for {@code client_secret_post}).
 *
 * <p>The start checks what the method needs beyond the settings (the bundle exists, its key is RSA and its
 * certificate's, the file can be read) and stops naming the property otherwise.
 */
@Component
public final class ClientAssertions {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    // Entra ID accepts an assertion for at most 10 minutes; a token request takes seconds.
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);

    private final ClientAuthentication method;
    private final Clock clock;
    private final Path federatedTokenFile;
    private volatile Signing signing;

    /** The bundle's key as a JWK with its certificate's thumbprints, and the SHA-256 one for the header. */
    private record Signing(RSAKey jwk, Base64URL sha256Thumbprint) {}

    ClientAssertions(PartnerCenterProperties properties, ObjectProvider<SslBundles> bundles, Clock clock) {
        PartnerCenterProperties.Auth auth = properties.auth();
        this.method = auth.clientAuthentication();
        this.clock = clock;
        this.federatedTokenFile = auth.federatedTokenFile();
        if (method == ClientAuthentication.CERTIFICATE) {
            String name = auth.certificateBundle();
            SslBundles sslBundles = bundles.getIfAvailable();
            try {
                if (sslBundles == null) {
                    throw new NoSuchSslBundleException(name, "no SSL bundles are configured");
                }
                this.signing = signing(name, sslBundles.getBundle(name));
                // A renewed certificate: the bundle reloads (reload-on-update) and the next assertion uses it.
                sslBundles.addBundleUpdateHandler(name, bundle -> this.signing = signing(name, bundle));
            } catch (NoSuchSslBundleException unknown) {
                throw new Misconfiguration(
                        "partner-center.auth.certificate-bundle names the SSL bundle '" + name
                                + "', which is not configured.",
                        "Configure it as spring.ssl.bundle.pem." + name
                                + ".keystore.certificate and .private-key (the application's certificate and RSA key),"
                                + " or name the bundle that holds them.");
            }
        }
        if (method == ClientAuthentication.WORKLOAD_IDENTITY) {
            try {
                federatedToken();
            } catch (OAuth2AuthorizationException unreadable) {
                throw new Misconfiguration(
                        "partner-center.auth.federated-token-file cannot be read: "
                                + unreadable.getError().getDescription(),
                        "Give the pod Azure Workload Identity (the label azure.workload.identity/use=true and the"
                                + " ServiceAccount annotation azure.workload.identity/client-id), or point"
                                + " partner-center.auth.federated-token-file at the token file.");
            }
        }
    }

    /** The method Spring Security's client registration names: the secret in the body, or an assertion. */
    static ClientAuthenticationMethod method(PartnerCenterProperties.Auth auth) {
        return auth.clientAuthentication() == ClientAuthentication.SECRET
                ? ClientAuthenticationMethod.CLIENT_SECRET_POST
                : ClientAuthenticationMethod.PRIVATE_KEY_JWT;
    }

    /** The secret a client registration carries: only with the secret method. */
    static String secret(PartnerCenterProperties.Auth auth) {
        return auth.clientAuthentication() == ClientAuthentication.SECRET ? auth.clientSecret() : null;
    }

    /** Makes the token response client prove the service's identity by the configured method. */
    <T extends AbstractOAuth2AuthorizationGrantRequest> void applyTo(
            AbstractWebClientReactiveOAuth2AccessTokenResponseClient<T> client) {
        switch (method) {
            case SECRET -> {} // Spring's default converter writes client_id and client_secret
            case CERTIFICATE -> client.addParametersConverter(signedAssertion());
            case WORKLOAD_IDENTITY -> client.addParametersConverter(federatedAssertion());
        }
    }

    private <T extends AbstractOAuth2AuthorizationGrantRequest>
            Converter<T, MultiValueMap<String, String>> signedAssertion() {
        var converter = new NimbusJwtClientAuthenticationParametersConverter<T>(registration -> signing.jwk());
        converter.setJwtClientAssertionCustomizer(context -> {
            // The service's clock, not Spring's own reading of the wall clock; aud, iss, sub and jti are Spring's.
            Instant now = clock.instant();
            context.getHeaders().x509SHA256Thumbprint(signing.sha256Thumbprint().toString());
            context.getClaims().issuedAt(now).notBefore(now).expiresAt(now.plus(ASSERTION_LIFETIME));
        });
        return converter;
    }

    private <T extends AbstractOAuth2AuthorizationGrantRequest>
            Converter<T, MultiValueMap<String, String>> federatedAssertion() {
        return request -> {
            MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
            parameters.set(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE, JWT_BEARER);
            parameters.set(OAuth2ParameterNames.CLIENT_ASSERTION, federatedToken());
            return parameters;
        };
    }

    // Read for every token request: the kubelet rotates the file, and a token request is rare (about one an hour per
    // grant). A small file on a tmpfs, so reading it on the token request's thread blocks nobody for long.
    private String federatedToken() {
        try {
            String token = federatedTokenFile == null
                    ? ""
                    : Files.readString(federatedTokenFile).strip();
            if (token.isEmpty()) {
                throw new IOException("the file is empty");
            }
            return token;
        } catch (IOException | RuntimeException unreadable) {
            throw new OAuth2AuthorizationException(new OAuth2Error(
                    "invalid_client",
                    "the federated token file " + federatedTokenFile + " cannot be read ("
                            + unreadable.getClass().getSimpleName() + ")",
                    null));
        }
    }

    private static Signing signing(String name, SslBundle bundle) {
        try {
            KeyStore store = bundle.getStores().getKeyStore();
            String alias = bundle.getKey().getAlias();
            if (alias == null && store != null) {
                alias = Collections.list(store.aliases()).stream()
                        .filter(candidate -> isKey(store, candidate))
                        .findFirst()
                        .orElse(null);
            }
            if (store == null || alias == null) {
                throw unusable(name, "holds no private key");
            }
            String password = bundle.getKey().getPassword();
            var key = (PrivateKey) store.getKey(alias, password != null ? password.toCharArray() : null);
            var certificate = (X509Certificate) store.getCertificate(alias);
            if (!(key instanceof RSAPrivateCrtKey rsa) || !(certificate.getPublicKey() instanceof RSAPublicKey pub)) {
                throw unusable(name, "does not hold an RSA key and certificate (Entra ID's assertions are RS256)");
            }
            if (!rsa.getModulus().equals(pub.getModulus())
                    || !rsa.getPublicExponent().equals(pub.getPublicExponent())) {
                throw unusable(name, "holds a private key that is not its certificate's");
            }
            byte[] der = certificate.getEncoded();
            Base64URL sha256 =
                    Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der));
            RSAKey jwk = new RSAKey.Builder(pub)
                    .privateKey(rsa)
                    .keyID(sha256.toString())
                    .x509CertSHA256Thumbprint(sha256)
                    .build();
            return new Signing(jwk, sha256);
        } catch (GeneralSecurityException | ClassCastException unreadable) {
            throw unusable(name, "cannot be read (" + unreadable.getClass().getSimpleName() + ")");
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Misconfiguration unusable(String name, String why) {
        return new Misconfiguration(
                "partner-center.auth.certificate-bundle names the SSL bundle '" + name + "', which " + why + ".",
                "Give the bundle the application's certificate and its RSA private key, as registered in Entra ID.");
    }
}
