package com.contoso.partnercenter.bff.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The OAuth2 scheme Swagger UI's Authorize dialog uses is there only when configured, next to bearer. */
class OpenApiConfigurationTest {

    static final URI TOKEN_URL = URI.create("https://login.microsoftonline.com/tenant/oauth2/v2.0/token");
    static final URI AUTHORIZATION_URL = URI.create("https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize");
    static final List<String> SCOPES = List.of("api://partner-center-bff/.default");

    static OpenAPI document(SwaggerUiOAuth2Properties oauth2) {
        return new OpenApiConfiguration().partnerCenterBffOpenApi(oauth2);
    }

    @Test
    void withoutATokenUrlTheDocumentOffersBearerOnly() {
        OpenAPI document = document(new SwaggerUiOAuth2Properties(null, null, List.of()));

        assertThat(document.getComponents().getSecuritySchemes()).containsOnlyKeys("bearer");
        assertThat(document.getSecurity()).containsExactly(new SecurityRequirement().addList("bearer"));
    }

    @Test
    void aTokenUrlAddsTheClientCredentialsFlowAsAnAlternative() {
        OpenAPI document = document(new SwaggerUiOAuth2Properties(TOKEN_URL, null, SCOPES));

        SecurityScheme oauth2 = document.getComponents().getSecuritySchemes().get("oauth2");
        assertThat(oauth2.getType()).isEqualTo(SecurityScheme.Type.OAUTH2);
        assertThat(oauth2.getFlows().getAuthorizationCode()).isNull();
        assertThat(oauth2.getFlows().getClientCredentials().getTokenUrl()).isEqualTo(TOKEN_URL.toString());
        assertThat(oauth2.getFlows().getClientCredentials().getScopes()).containsOnlyKeys(SCOPES);
        assertThat(document.getComponents().getSecuritySchemes()).containsKey("bearer");
        assertThat(document.getSecurity())
                .containsExactly(
                        new SecurityRequirement().addList("bearer"), new SecurityRequirement().addList("oauth2"));
    }

    @Test
    void anAuthorizationUrlMakesItTheAuthorizationCodeFlow() {
        OpenAPI document = document(new SwaggerUiOAuth2Properties(TOKEN_URL, AUTHORIZATION_URL, SCOPES));

        var flows = document.getComponents().getSecuritySchemes().get("oauth2").getFlows();
        assertThat(flows.getClientCredentials()).isNull();
        assertThat(flows.getAuthorizationCode().getAuthorizationUrl()).isEqualTo(AUTHORIZATION_URL.toString());
        assertThat(flows.getAuthorizationCode().getTokenUrl()).isEqualTo(TOKEN_URL.toString());
        assertThat(flows.getAuthorizationCode().getScopes()).containsOnlyKeys(SCOPES);
    }

    @Test
    void anAuthorizationUrlWithoutATokenUrlStopsStartup() {
        new ApplicationContextRunner()
                .withUserConfiguration(Properties.class)
                .withPropertyValues("partner-center-bff.swagger-ui.oauth2.authorization-url=" + AUTHORIZATION_URL)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("partner-center-bff.swagger-ui.oauth2.token-url"));
    }

    @EnableConfigurationProperties(SwaggerUiOAuth2Properties.class)
    static class Properties {}
}
