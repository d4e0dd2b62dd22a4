package com.contoso.partnercenter.bff.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;

import com.contoso.partnercenter.bff.ApiSliceTest;
import com.contoso.partnercenter.bff.partnercenter.ValidationStatus;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** What every answer carries: the correlation id, and problems in one shape whatever failed. */
class ProblemResponsesTest extends ApiSliceTest {

    @Test
    void aGuidCorrelationIdIsKeptAndEchoed() {
        String id = UUID.randomUUID().toString();
        given(partnerCenter.validationStatus(CUSTOMER))
                .willReturn(answer(new ValidationStatus("account", "Allowed", null)));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/validation-status", CUSTOMER)
                        .header("X-Correlation-Id", id)
                        .with(reader()))
                .hasStatusOk()
                .hasHeader("X-Correlation-Id", id);
    }

    @Test
    void anythingElseAsCorrelationIdIsReplacedByANewGuid() {
        MvcTestResult result = mvc.get()
                .uri("/api/v1/customers/not-a-guid/validation-status")
                .header("X-Correlation-Id", "forged\nlog line")
                .with(reader())
                .exchange();

        String id = result.getResponse().getHeader("X-Correlation-Id");
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(result).bodyJson().extractingPath("$.correlationId").isEqualTo(id);
    }

    @Test
    void noTokenIsAnUnauthorizedProblem() {
        assertThat(mvc.get().uri("/api/v1/gcc-validation-codes"))
                .hasStatus(401)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .satisfies(result -> assertThat(result.getResponse().getHeader("WWW-Authenticate"))
                        .startsWith("Bearer"))
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.type").isEqualTo("urn:partner-center-bff:problem:unauthorized");
                    assertThat(body).extractingPath("$.status").isEqualTo(401);
                    assertThat(body).extractingPath("$.instance").isEqualTo("/api/v1/gcc-validation-codes");
                    assertThat(body).extractingPath("$.correlationId").isNotNull();
                });
    }

    @Test
    void aReaderCannotUpdateAQualification() {
        assertThat(mvc.post()
                        .uri("/api/v1/customers/{id}/qualifications", CUSTOMER)
                        .with(reader())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"qualification\": \"Education\"}"))
                .hasStatus(403)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:forbidden");
    }

    @Test
    void anUnknownPathIsANotFoundProblem() {
        assertThat(mvc.get().uri("/api/v1/nothing-here").with(reader()))
                .hasStatus(404)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.type").isEqualTo("urn:partner-center-bff:problem:not-found");
                    assertThat(body).extractingPath("$.correlationId").isNotNull();
                });
    }

    @Test
    void anUnsupportedMethodIsAMethodNotAllowedProblem() {
        assertThat(mvc.delete().uri("/api/v1/gcc-validation-codes").with(writer()))
                .hasStatus(405)
                .hasHeader("Allow", "GET")
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:method-not-allowed");
    }

    @Test
    void anUnexpectedFailureShowsNoStackTraceNorClassName() throws Exception {
        given(partnerCenter.validationCodes())
                .willThrow(new IllegalStateException("secret internals at com.contoso.Foo"));

        MvcTestResult result =
                mvc.get().uri("/api/v1/gcc-validation-codes").with(reader()).exchange();

        assertThat(result)
                .hasStatus(500)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:internal-error");
        assertThat(result.getResponse().getContentAsString())
                .doesNotContain("IllegalStateException", "secret internals", "com.contoso", "\tat ");
    }
}
