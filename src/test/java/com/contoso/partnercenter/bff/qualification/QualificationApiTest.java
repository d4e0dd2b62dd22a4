package com.contoso.partnercenter.bff.qualification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.contoso.partnercenter.bff.ApiSliceTest;
import com.contoso.partnercenter.bff.partnercenter.CustomerQualification;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterException;
import com.contoso.partnercenter.bff.partnercenter.QualificationUpdate;
import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;

class QualificationApiTest extends ApiSliceTest {

    static final String PATH = "/api/v1/customers/{id}/qualifications";

    @Test
    void qualificationsComeAsAnItemsObjectWithNullsForMissingFields() {
        given(partnerCenter.qualifications(CUSTOMER))
                .willReturn(answer(List.of(
                        new CustomerQualification("SovereignCloud", "AwaitingDocuments", null, "2024-02-01T08:00:00Z"),
                        new CustomerQualification("StateOwnedEntity", null, null, null))));

        assertThat(mvc.get().uri(PATH, CUSTOMER).with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("""
                        {"items": [
                          {"qualification": "SovereignCloud", "vettingStatus": "AwaitingDocuments", "vettingReason": null,
                           "vettingCreatedDate": "2024-02-01T08:00:00Z"},
                          {"qualification": "StateOwnedEntity", "vettingStatus": null, "vettingReason": null,
                           "vettingCreatedDate": null}]}""");
    }

    @Test
    void theSynchronousQualificationIsAnObject() {
        given(partnerCenter.qualification(CUSTOMER)).willReturn(answer("Education"));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/qualification", CUSTOMER)
                        .with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("{\"qualification\": \"Education\"}");
    }

    @Test
    void aSynchronousAnswerWithoutValueIsNull() {
        given(partnerCenter.qualification(CUSTOMER)).willReturn(answer(null));

        assertThat(mvc.get()
                        .uri("/api/v1/customers/{id}/qualification", CUSTOMER)
                        .with(reader()))
                .hasStatusOk()
                .bodyJson()
                .isStrictlyEqualTo("{\"qualification\": null}");
    }

    @Test
    void anEducationQualificationIsCreated() {
        var created = new CustomerQualification("Education", "InReview", null, "2026-11-23T10:00:00Z");
        given(partnerCenter.createQualification(eq(CUSTOMER), any(), any())).willReturn(created(created));

        assertThat(
                        mvc.post()
                                .uri(PATH, CUSTOMER)
                                .with(writer())
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(
                                        "{\"qualification\": \"Education\", \"educationSegment\": \"K12\", \"website\": \"https://contoso.edu\"}"))
                .hasStatus(201)
                .satisfies(result -> assertThat(result.getResponse().getHeader("Location"))
                        .endsWith("/api/v1/customers/" + CUSTOMER + "/qualifications"))
                // An update never comes from the cache, and says so like every other answer.
                .hasHeader("Cache-Status", "partner-center-bff; fwd=bypass")
                .bodyJson()
                .isStrictlyEqualTo("""
                        {"qualification": "Education", "vettingStatus": "InReview", "vettingReason": null,
                         "vettingCreatedDate": "2026-11-23T10:00:00Z"}""");
        verify(partnerCenter)
                .createQualification(
                        eq(CUSTOMER),
                        eq(new QualificationUpdate("Education", null, "K12", "https://contoso.edu")),
                        any());
    }

    @Test
    void aGccQualificationTakesItsValidationCode() {
        given(partnerCenter.createQualification(eq(CUSTOMER), any(), any()))
                .willReturn(created(new CustomerQualification("GovernmentCommunityCloud", "InReview", null, null)));

        assertThat(mvc.post()
                        .uri(PATH, CUSTOMER)
                        .with(writer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"qualification\": \"GovernmentCommunityCloud\", \"validationCode\": \"12345\"}"))
                .hasStatus(201);
        verify(partnerCenter)
                .createQualification(
                        eq(CUSTOMER),
                        eq(new QualificationUpdate("GovernmentCommunityCloud", "12345", null, null)),
                        any());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
                    {}                                                   | qualification
                    {"qualification": ""}                                | qualification
                    {"qualification": "Nonprofit"}                       | qualification
                    {"qualification": "education"}                       | qualification
                    {"qualification": "GovernmentCommunityCloud"}        | validationCode
                    {"qualification": "GovernmentCommunityCloud", "validationCode": " "} | validationCode
                    """)
    void anInvalidBodyIsABadRequestNamingTheFieldAndNothingGoesUpstream(String body, String field) {
        assertThat(mvc.post()
                        .uri(PATH, CUSTOMER)
                        .with(writer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .hasStatus(400)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly(field);
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aBodyThatIsNoJsonObjectIsABadRequest() {
        assertThat(mvc.post()
                        .uri(PATH, CUSTOMER)
                        .with(writer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("[1"))
                .hasStatus(400)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:invalid-request");
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aBodyThatIsNoJsonIsAnUnsupportedMediaType() {
        assertThat(mvc.post()
                        .uri(PATH, CUSTOMER)
                        .with(writer())
                        .contentType(MediaType.TEXT_PLAIN)
                        .content("Education"))
                .hasStatus(415)
                .bodyJson()
                .extractingPath("$.type")
                .isEqualTo("urn:partner-center-bff:problem:unsupported-media-type");
        verifyNoInteractions(partnerCenter);
    }

    @Test
    void aConflictUpstreamKeepsItsStatusCodeAndName() {
        given(partnerCenter.createQualification(eq(CUSTOMER), any(), any()))
                .willThrow(PartnerCenterException.fromUpstream(
                        Operation.QUALIFICATION_UPDATE,
                        409,
                        new UpstreamError("2001", null, "Qualification already exists.", null),
                        null));

        assertThat(mvc.post()
                        .uri(PATH, CUSTOMER)
                        .with(writer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"qualification\": \"StateOwnedEntity\"}"))
                .hasStatus(409)
                .bodyJson()
                .satisfies(body -> {
                    assertThat(body).extractingPath("$.upstreamErrorCode").isEqualTo("2001");
                    assertThat(body).extractingPath("$.detail").isEqualTo("Qualification already exists.");
                    assertThat(body).extractingPath("$.retryable").isEqualTo(false);
                });
    }
}
