package com.contoso.partnercenter.bff.qualification;

import com.contoso.partnercenter.bff.partnercenter.Answer;
import com.contoso.partnercenter.bff.partnercenter.CreatedQualification;
import com.contoso.partnercenter.bff.partnercenter.IdempotencyKey;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenter;
import com.contoso.partnercenter.bff.web.Answers;
import com.contoso.partnercenter.bff.web.CustomerId;
import com.contoso.partnercenter.bff.web.Idempotency;
import com.contoso.partnercenter.bff.web.Items;
import com.contoso.partnercenter.bff.web.PortalClientId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
// Answers are JSON whatever else the Accept header would take; errors are problem JSON (ProblemDetailsAdvice).
@RequestMapping(path = "/api/v1/customers/{customerId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "qualifications", description = "A customer's qualifications (Education, GCC, State Owned Entity, …)")
class QualificationController {

    private final PartnerCenter partnerCenter;

    QualificationController(PartnerCenter partnerCenter) {
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
        return Answers.ok(partnerCenter
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
            @RequestHeader(name = Idempotency.HEADER, required = false)
                    @Parameter(
                            description = "Makes the update safe to send again: 1 to 255 printable ASCII characters,"
                                    + " such as a UUID, new for each update. A repeat with the same key and body"
                                    + " answers the first one's answer (Idempotent-Replayed: true) without a second"
                                    + " update; the same key with another body is 422; a repeat while the first is in"
                                    + " flight is 409 with Retry-After. Keys are the calling portal's and kept 24 h.",
                            example = "6f1c2a4e-7b1d-4c1e-9a51-3c0e2f8b9d10")
                    String idempotencyKey,
            UriComponentsBuilder uri,
            HttpServletRequest servletRequest) {
        UpdateAudit.asked(servletRequest, request);
        URI location = uri.path("/api/v1/customers/{customerId}/qualifications").build(customerId);
        Answer<CreatedQualification> answer = partnerCenter.createQualification(
                customerId,
                request.toUpdate(),
                idempotencyKey == null
                        ? null
                        : new IdempotencyKey(PortalClientId.of(), idempotencyKey, location.toString()));
        CreatedQualification created = answer.value();
        UpdateAudit.answered(
                servletRequest, created.requestId(), created.qualification().vettingStatus());
        // A repeat with the same key is answered as the first was, on whichever replica: its Location too.
        var response = ResponseEntity.status(HttpStatus.CREATED)
                .location(created.location() != null ? URI.create(created.location()) : location);
        if (created.replayed()) {
            response.header(Idempotency.REPLAYED, "true");
        }
        return Answers.answered(response, answer.map(done -> CustomerQualification.of(done.qualification())));
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
        return Answers.ok(partnerCenter.qualification(customerId).map(SyncQualification::new));
    }

    @Schema(
            description = "The customer's qualification as the synchronous API reports it.",
            requiredProperties = "qualification")
    record SyncQualification(
            @Schema(example = "Education", nullable = true) String qualification) {}
}
