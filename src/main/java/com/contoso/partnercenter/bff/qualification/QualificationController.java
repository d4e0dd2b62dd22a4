package com.contoso.partnercenter.bff.qualification;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.web.CachedAnswers;
import com.contoso.partnercenter.bff.web.CustomerId;
import com.contoso.partnercenter.bff.web.Items;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
// Answers are JSON whatever else the Accept header would take; errors are problem JSON (ProblemDetailsAdvice).
@RequestMapping(path = "/api/v1/customers/{customerId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "qualifications", description = "A customer's qualifications (Education, GCC, State Owned Entity, …)")
class QualificationController {

    private final PartnerCenterClient partnerCenter;

    QualificationController(PartnerCenterClient partnerCenter) {
        this.partnerCenter = partnerCenter;
    }

    @GetMapping("/qualifications")
    @Operation(
            operationId = "listQualifications",
            summary = "List a customer's qualifications",
            description = "All qualifications of the customer with their vetting state (Partner Center's asynchronous"
                    + " API). Values Partner Center adds later are passed through unchanged; vettingCreatedDate is"
                    + " always an ISO-8601 instant in UTC. Needs partner-center.read.")
    ResponseEntity<Items<CustomerQualification>> qualifications(
            @PathVariable @CustomerId @Parameter(description = "The customer's tenant id (a GUID).")
                    String customerId) {
        return CachedAnswers.ok(partnerCenter
                .qualifications(customerId)
                .map(list ->
                        new Items<>(list.stream().map(CustomerQualification::of).toList())));
    }

    @PostMapping("/qualifications")
    @Operation(
            operationId = "createQualification",
            summary = "Request a qualification for a customer",
            description = "Asks Partner Center to vet the customer for Education, GovernmentCommunityCloud (with a"
                    + " validationCode from the GCC validation codes) or StateOwnedEntity. Answers the created"
                    + " qualification, usually InReview. Needs partner-center.write.")
    @ApiResponse(responseCode = "201", description = "The qualification Partner Center created.")
    ResponseEntity<CustomerQualification> createQualification(
            @PathVariable @CustomerId @Parameter(description = "The customer's tenant id (a GUID).") String customerId,
            @Valid @RequestBody QualificationRequest request,
            UriComponentsBuilder uri) {
        var location = uri.path("/api/v1/customers/{customerId}/qualifications").build(customerId);
        return CachedAnswers.answer(
                partnerCenter
                        .createQualification(customerId, request.toUpdate())
                        .map(CustomerQualification::of),
                (created, cache) -> ResponseEntity.status(HttpStatus.CREATED).location(location));
    }

    @Deprecated
    @GetMapping("/qualification")
    @Operation(
            operationId = "getQualification",
            deprecated = true,
            summary = "Get a customer's single qualification (older synchronous API)",
            description = "The one qualification Partner Center's older synchronous API reports, under its canonical"
                    + " name (Education, GovernmentCommunityCloud, StateOwnedEntity, Nonprofit, None); a value"
                    + " nobody knows yet is passed through unchanged. Prefer listing the qualifications."
                    + " Needs partner-center.read.")
    ResponseEntity<SyncQualification> qualification(
            @PathVariable @CustomerId @Parameter(description = "The customer's tenant id (a GUID).")
                    String customerId) {
        return CachedAnswers.ok(partnerCenter
                .qualification(customerId)
                .map(SyncQualification::new)
                .defaultIfEmpty(new SyncQualification(null)));
    }

    @Schema(description = "The customer's qualification as the synchronous API reports it.")
    record SyncQualification(
            @Schema(example = "Education", nullable = true) String qualification) {}
}
