package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.contoso.partnercenter.bff.local.LocalTokenIssuer;
import com.contoso.portal.client.ApiClient;
import com.contoso.portal.client.ApiException;
import com.contoso.portal.client.api.PurchaseEligibilityApi;
import com.contoso.portal.client.api.QualificationsApi;
import com.contoso.portal.client.api.ValidationApi;
import com.contoso.portal.client.model.CustomerProblem;
import com.contoso.portal.client.model.CustomerQualification;
import com.contoso.portal.client.model.EligibilityAnswer;
import com.contoso.portal.client.model.EligibilityBatchRequest;
import com.contoso.portal.client.model.Problem;
import com.contoso.portal.client.model.PurchaseEligibility;
import com.contoso.portal.client.model.QualificationRequest;
import com.contoso.portal.client.model.ValidationStatus;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A portal developer's view: the Java client openapi-generator makes from the saved OpenAPI document (kept
 * equal to the served one by OpenApiDocumentTest) calls every operation of the running service and reads
 * every answer, problems included, into its own types.
 */
class GeneratedClientTest extends EndToEndTest {

    static final String ALLOWED = "c0ffee00-0000-4000-8000-000000000001";
    static final String UNDER_REVIEW = "c0ffee00-0000-4000-8000-000000000002";
    static final String EDUCATION = "c0ffee00-0000-4000-8000-000000000007";
    static final String NO_QUALIFICATIONS = "c0ffee00-0000-4000-8000-000000000012";
    static final String THROTTLED = "c0ffee00-0000-4000-8000-000000000013";

    ApiClient client;

    @BeforeEach
    void portalClient() {
        String token = EndToEnd.token(
                issuer,
                List.of(LocalTokenIssuer.AUDIENCE),
                Map.of("scp", "partner-center.read partner-center.write"),
                3600);
        client = new ApiClient();
        // openapi-generator's Java oneOf picks the side that deserializes without checking required members, so
        // a batch item matches both sides unless unknown members fail: the portal developers' guide tells Java portals
        // so.
        client.setObjectMapper(ApiClient.createDefaultObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));
        client.updateBaseUri("http://127.0.0.1:" + port);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    }

    @Test
    void validationCodesAndStatus() throws ApiException {
        var validation = new ValidationApi(client);

        assertThat(validation.listGccValidationCodes(null).getItems())
                .isNotEmpty()
                .allSatisfy(code -> assertThat(code.getValidationId()).isNotBlank());
        var status = validation.getValidationStatus(UNDER_REVIEW, "account", null);
        assertThat(status.getType()).isEqualTo(ValidationStatus.TypeEnum.ACCOUNT);
        assertThat(status.getStatus()).isEqualTo("UnderReview");
    }

    @Test
    @SuppressWarnings("deprecation")
    void qualificationsListedReadAndRequested() throws ApiException {
        var qualifications = new QualificationsApi(client);

        assertThat(qualifications.listQualifications(EDUCATION, null).getItems())
                .extracting(CustomerQualification::getQualification, CustomerQualification::getVettingStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Education", "Approved"));
        assertThat(qualifications.getQualification(EDUCATION, null).getQualification())
                .isEqualTo("Education");

        var created = qualifications.createQualificationWithHttpInfo(
                NO_QUALIFICATIONS,
                new QualificationRequest()
                        .qualification(QualificationRequest.QualificationEnum.EDUCATION)
                        .educationSegment("K12"),
                java.util.UUID.randomUUID().toString());
        assertThat(created.getStatusCode()).isEqualTo(201);
        assertThat(created.getData().getQualification()).isEqualTo("Education");
        assertThat(created.getData().getVettingStatus()).isEqualTo("InReview");
    }

    @Test
    void purchaseEligibilityOneAndMany() throws ApiException {
        var eligibility = new PurchaseEligibilityApi(client);

        var blocked = eligibility.getPurchaseEligibility(UNDER_REVIEW, null);
        assertThat(blocked.getEligible()).isFalse();
        assertThat(blocked.getAccountStatus()).isEqualTo("UnderReview");

        List<EligibilityAnswer> items = eligibility
                .getPurchaseEligibilityBatch(new EligibilityBatchRequest()
                        .customerIds(List.of(UUID.fromString(ALLOWED), UUID.fromString(THROTTLED))))
                .getItems();
        // A oneOf without a discriminator: the generated wrapper holds whichever side the item matched.
        assertThat(items.get(0).getActualInstance()).isInstanceOf(PurchaseEligibility.class);
        var decided = items.get(0).getPurchaseEligibility();
        assertThat(decided.getCustomerId()).isEqualTo(ALLOWED);
        assertThat(decided.getEligible()).isTrue();
        assertThat(items.get(1).getActualInstance()).isInstanceOf(CustomerProblem.class);
        var failed = items.get(1).getCustomerProblem();
        assertThat(failed.getCustomerId()).isEqualTo(THROTTLED);
        assertThat(failed.getStatus()).isEqualTo(503);
        assertThat(failed.getType()).isEqualTo("urn:partner-center-bff:problem:throttled");
        assertThat(failed.getRetryAfter()).isEqualTo(57L);
    }

    @Test
    void problemsReadIntoTheDocumentedProblemType() throws Exception {
        var eligibility = new PurchaseEligibilityApi(client);

        ApiException invalid =
                catchThrowableOfType(ApiException.class, () -> eligibility.getPurchaseEligibility("not-a-guid", null));
        assertThat(invalid.getCode()).isEqualTo(400);
        Problem problem = client.getObjectMapper().readValue(invalid.getResponseBody(), Problem.class);
        assertThat(problem.getType()).isEqualTo(URI.create("urn:partner-center-bff:problem:invalid-request"));
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getCorrelationId()).isNotNull();
        assertThat(problem.getErrors()).singleElement().satisfies(error -> {
            assertThat(error.getField()).isEqualTo("customerId");
            assertThat(error.getMessage()).contains("GUID");
        });

        ApiException throttled =
                catchThrowableOfType(ApiException.class, () -> eligibility.getPurchaseEligibility(THROTTLED, null));
        assertThat(throttled.getCode()).isEqualTo(503);
        assertThat(throttled.getResponseHeaders().firstValue("Retry-After")).hasValue("57");
        Problem wait = client.getObjectMapper().readValue(throttled.getResponseBody(), Problem.class);
        assertThat(wait.getRetryable()).isTrue();
    }
}
