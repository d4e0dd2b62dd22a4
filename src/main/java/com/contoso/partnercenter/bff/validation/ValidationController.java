package com.contoso.partnercenter.bff.validation;

import com.contoso.partnercenter.bff.partnercenter.PartnerCenter;
import com.contoso.partnercenter.bff.web.Answers;
import com.contoso.partnercenter.bff.web.CustomerId;
import com.contoso.partnercenter.bff.web.Items;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
// Answers are JSON whatever else the Accept header would take; errors are problem JSON (ProblemDetailsAdvice).
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "validation", description = "GCC validation codes and customers' account validation status")
class ValidationController {

    private final PartnerCenter partnerCenter;

    ValidationController(PartnerCenter partnerCenter) {
        this.partnerCenter = partnerCenter;
    }

    @GetMapping("/gcc-validation-codes")
    @Operation(
            operationId = "listGccValidationCodes",
            summary = "List the partner's GCC validation codes",
            description = "The Government Community Cloud validation codes Partner Center holds for the partner"
                    + " (App-only token upstream). A code is needed to give a customer the GovernmentCommunityCloud"
                    + " qualification. Needs partner-center.read.")
    ResponseEntity<Items<ValidationCode>> validationCodes() {
        return Answers.ok(partnerCenter
                .validationCodes()
                .map(codes -> new Items<>(codes.stream().map(ValidationCode::of).toList())));
    }

    @GetMapping("/customers/{customerId}/validation-status")
    @Operation(
            operationId = "getValidationStatus",
            summary = "Get a customer's account validation status",
            description = "Partner Center's validation status of the customer's account, its status passed through"
                    + " verbatim (\"Not Ready\" keeps its space). 404 when Partner Center keeps no account status"
                    + " for the customer (error 600074). Needs partner-center.read.")
    ResponseEntity<ValidationStatus> validationStatus(
            @PathVariable @CustomerId @Parameter(description = "The customer's tenant id (a GUID).") String customerId,
            @RequestParam(defaultValue = ValidationTypes.ACCOUNT)
                    @Pattern(regexp = "(?i)account", message = "must be account, the only validation type there is")
                    @Parameter(description = "The validation type; account is the only one.")
                    String type) {
        return Answers.ok(partnerCenter
                .validationStatus(customerId)
                .map(status -> ValidationStatus.of(ValidationTypes.ACCOUNT, status)));
    }

    static final class ValidationTypes {
        static final String ACCOUNT = "account";

        private ValidationTypes() {}
    }
}
