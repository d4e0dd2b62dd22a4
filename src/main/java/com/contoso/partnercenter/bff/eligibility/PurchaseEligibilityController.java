package com.contoso.partnercenter.bff.eligibility;

import com.contoso.partnercenter.bff.web.Answers;
import com.contoso.partnercenter.bff.web.CustomerId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
// Answers are JSON whatever else the Accept header would take; errors are problem JSON (ProblemDetailsAdvice).
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
        name = "purchase eligibility",
        description = "Whether a customer may purchase, by Partner Center's documented rule")
class PurchaseEligibilityController {

    private final PurchaseEligibilityService service;

    PurchaseEligibilityController(PurchaseEligibilityService service) {
        this.service = service;
    }

    @GetMapping("/customers/{customerId}/purchase-eligibility")
    @Operation(
            operationId = "getPurchaseEligibility",
            summary = "Tell whether a customer may purchase",
            description = """
                    Derived from the account validation status (App+User token upstream), matched case-insensitively
                    and ignoring spaces: Allowed → eligible; no account status (Partner Center error 600074) →
                    eligible with accountStatus null; UnderReview, NotAllowed, Unknown → blocked; Not Ready, an
                    empty status or any status the documented rules do not cover → blocked (fail closed). When
                    Partner Center cannot be asked, the customer's last-known status stands in only when it blocks
                    purchases (Cache-Status detail=stale-if-error, with Age); otherwise the answer is an error, never
                    a guess. Needs partner-center.read.""")
    @ApiResponse(
            responseCode = "200",
            description = "The decision, with a reason a portal can show.",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = PurchaseEligibility.class),
                            examples = {
                                @ExampleObject(name = "allowed", summary = "Allowed: may purchase", value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":true,\
                                        "accountStatus":"Allowed","reason":"The customer's account is allowed to purchase."}"""),
                                @ExampleObject(
                                        name = "noAccountStatus",
                                        summary = "No account status: may purchase",
                                        value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":true,\
                                        "accountStatus":null,"reason":"Partner Center keeps no account status for this\
                                         customer, so its purchases are not blocked."}"""),
                                @ExampleObject(name = "underReview", summary = "UnderReview: blocked", value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":false,\
                                        "accountStatus":"UnderReview","reason":"Purchases are blocked while the\
                                         customer's account is under review."}"""),
                                @ExampleObject(name = "notAllowed", summary = "NotAllowed: blocked", value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":false,\
                                        "accountStatus":"NotAllowed","reason":"Purchases are blocked because the\
                                         customer's account is not allowed to purchase."}"""),
                                @ExampleObject(name = "unknown", summary = "Unknown: blocked", value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":false,\
                                        "accountStatus":"Unknown","reason":"Purchases are blocked because the\
                                         customer's account status is unknown."}"""),
                                @ExampleObject(
                                        name = "notCovered",
                                        summary = "Not Ready (or any status the rules do not cover): blocked",
                                        value = """
                                        {"customerId":"0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a","eligible":false,\
                                        "accountStatus":"Not Ready","reason":"Purchases are blocked because the\
                                         account status \\"Not Ready\\" is not covered by the documented eligibility\
                                         rules."}""")
                            }))
    ResponseEntity<PurchaseEligibility> purchaseEligibility(
            @PathVariable @CustomerId @Parameter(description = "The customer's tenant id (a GUID).")
                    String customerId) {
        return Answers.ok(service.eligibility(customerId));
    }

    @PostMapping(path = "/purchase-eligibility/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "getPurchaseEligibilityBatch",
            summary = "Tell for up to 100 customers whether each may purchase",
            description = """
                    For a portal's list of customers: 1 to 100 customer ids, a repeated id answered once. The items
                    come in the order the ids were first given, each either the eligibility the single endpoint
                    would answer or, when that customer could not be decided, its problem (customerId, type, title,
                    status, detail, retryable and, for a 503, retryAfter in seconds), so one failing customer never
                    fails the list. Partner Center is asked a few customers at a time (partner-center.batch.concurrency),
                    through the same cache and resilience as single calls; what is not answered within
                    partner-center.batch.deadline becomes a 504 item. Invalid input (not a list, empty, more than
                    100 ids, an id that is not a GUID) is a 400 for the whole request. Needs partner-center.read.""")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            examples =
                                    @ExampleObject(name = "threeCustomers", summary = "Three customers", value = """
                                            {"customerIds":["c0ffee00-0000-4000-8000-000000000001",\
                                            "c0ffee00-0000-4000-8000-000000000002",\
                                            "c0ffee00-0000-4000-8000-000000000013"]}""")))
    @ApiResponse(
            responseCode = "200",
            description = "One item per distinct customer, in request order: a decision or that customer's problem.",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = EligibilityBatch.class),
                            examples =
                                    @ExampleObject(
                                            name = "mixed",
                                            summary = "Allowed, blocked and throttled",
                                            value = """
                                    {"items":[{"customerId":"c0ffee00-0000-4000-8000-000000000001","eligible":true,\
                                    "accountStatus":"Allowed","reason":"The customer's account is allowed to purchase."},\
                                    {"customerId":"c0ffee00-0000-4000-8000-000000000002","eligible":false,\
                                    "accountStatus":"UnderReview","reason":"Purchases are blocked while the customer's\
                                     account is under review."},\
                                    {"customerId":"c0ffee00-0000-4000-8000-000000000013",\
                                    "type":"urn:partner-center-bff:problem:throttled",\
                                    "title":"Partner Center asked to wait","status":503,\
                                    "detail":"Partner Center asked to wait 57 s before the next request, longer than\
                                     this request may take.","retryable":true,"retryAfter":57}]}""")))
    ResponseEntity<EligibilityBatch> purchaseEligibilityBatch(@RequestBody @Valid EligibilityBatchRequest request) {
        PurchaseEligibilityService.Batch batch = service.eligibilities(request.customerIds());
        return ResponseEntity.ok()
                .header(Answers.CACHE_STATUS, batch.cacheStatus())
                .body(new EligibilityBatch(batch.items()));
    }

    @Schema(description = "One item per distinct customer, in request order.")
    record EligibilityBatch(
            @ArraySchema(
                    arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
                    schema = @Schema(implementation = EligibilityAnswer.class))
            List<EligibilityAnswer> items) {}
}
