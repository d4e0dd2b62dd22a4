package com.contoso.partnercenter.bff.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The loop must accept and refuse exactly what Spring Security's regular expression does. */
class HeaderBearerTokenResolverTest {

    static MockHttpServletRequest request(String authorization) {
        var request = new MockHttpServletRequest("GET", "/api/v1/gcc-validation-codes");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return request;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb3J0YWwifQ.c2lnbmF0dXJl",
                "bearer abc",
                "BEARER abc-._~+/==",
                "Bearer a=",
                "Basic dXNlcjpwYXNz",
                "Digest username=x",
                "Bearer",
                "Bearer ",
                "Bearer  abc",
                "Bearer abc def",
                "Bearer abc=def",
                "Bearer =",
                "Bearer abc\u00e9",
                "Bearerabc",
                "Bearer abc ",
            })
    void agreesWithSpringSecuritysDefaultResolver(String authorization) {
        var ours = new HeaderBearerTokenResolver();
        var spring = new DefaultBearerTokenResolver();

        String expected;
        try {
            expected = spring.resolve(request(authorization));
        } catch (OAuth2AuthenticationException refused) {
            assertThatThrownBy(() -> ours.resolve(request(authorization)))
                    .isExactlyInstanceOf(refused.getClass())
                    .hasMessage(refused.getMessage());
            return;
        }
        assertThat(ours.resolve(request(authorization))).isEqualTo(expected);
    }

    @Test
    void aTokenInTheQueryIsIgnored() {
        var request = request(null);
        request.addParameter("access_token", "abc");

        assertThat(new HeaderBearerTokenResolver().resolve(request)).isNull();
    }
}
