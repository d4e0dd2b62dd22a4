package com.contoso.partnercenter.bff.qualification;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.PartnerCenterClient;
import com.contoso.partnercenter.bff.web.CachedAnswers;
import com.contoso.partnercenter.bff.web.CustomerId;
import com.contoso.partnercenter.bff.web.IdempotencyKeys;
import com.contoso.partnercenter.bff.web.Items;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
// Answers are JSON whatever else the Accept header would take; errors are problem JSON (ProblemDetailsAdvice).
@RequestMapping(path = "/api/v1/customers/{customerId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "qualifications", description = "A customer's qualifications (Education, GCC, State Owned Entity, …)")
class QualificationController {

    private final PartnerCenterClient partnerCenter;
    private final IdempotencyKeys idempotency;

    QualificationController(PartnerCenterClient partnerCenter, IdempotencyKeys idempotency) {
        this.partnerCenter = partnerCenter;
        this.idempotency = idempotency;
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
            @RequestHeader(name = IdempotencyKeys.HEADER, required = false)
                    @Parameter(
                            description = "Makes the update safe to send again: 1 to 255 printable ASCII characters,"
                                    + " such as a UUID, new for each update. A repeat with the same key and body"
                                    + " answers the first one's answer (Idempotent-Replayed: true) without a second"
                                    + " update; the same key with another body is 422; a repeat while the first is in"
                                    + " flight is 409 with Retry-After. Keys are the calling portal's and kept 24 h.",
                            example = "6f1c2a4e-7b1d-4c1e-9a51-3c0e2f8b9d10")
                    String idempotencyKey,
            UriComponentsBuilder uri) {
        var location = uri.path("/api/v1/customers/{customerId}/qualifications").build(customerId);
        UpdateAudit.asked(request);
        ResponseEntity<CustomerQualification> answer = idempotencyKey == null
                ? create(customerId, request, location, CorrelationId.newId())
                : idempotency.once(
                        idempotencyKey,
                        List.of(customerId.toLowerCase(Locale.ROOT), request),
                        CustomerQualification.class,
                        requestId -> create(customerId, request, location, requestId),
                        () -> alreadyThere(customerId, request, location));
        UpdateAudit.answered(answer.getBody() == null ? null : answer.getBody().vettingStatus());
        return answer;
    }

    private ResponseEntity<CustomerQualification> create(
            String customerId, QualificationRequest request, URI location, String requestId) {
        RequestContextHolder.currentRequestAttributes()
                .setAttribute(IdempotencyKeys.REQUEST_ID_ATTRIBUTE, requestId, RequestAttributes.SCOPE_REQUEST);
        return CachedAnswers.answer(
                partnerCenter
                        .createQualification(customerId, request.toUpdate(), requestId)
                        .map(CustomerQualification::of),
                (created, cache) -> ResponseEntity.status(HttpStatus.CREATED).location(location));
    }

    // After an update whose outcome is unknown: the qualification Partner Center has now, if it is the one asked.
    private Optional<ResponseEntity<CustomerQualification>> alreadyThere(
            String customerId, QualificationRequest request, URI location) {
        return partnerCenter.qualificationsFromPartnerCenter(customerId).block().stream()
                .filter(held -> request.qualification().equalsIgnoreCase(held.qualification()))
                .findFirst()
                .map(held -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(location)
                        .body(CustomerQualification.of(held)));
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

    @Schema(
            description = "The customer's qualification as the synchronous API reports it.",
            requiredProperties = "qualification")
    record SyncQualification(
            @Schema(example = "Education", nullable = true) String qualification) {}
}
