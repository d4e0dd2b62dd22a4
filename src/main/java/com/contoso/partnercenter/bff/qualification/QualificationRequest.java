package com.contoso.partnercenter.bff.qualification;

import com.contoso.partnercenter.bff.partnercenter.QualificationUpdate;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Set;

/** What a portal asks for when it updates a customer's qualification. */
@Schema(description = "The qualification to request for the customer.")
record QualificationRequest(
        @Schema(
                description = "The qualification to request.",
                allowableValues = {"Education", "GovernmentCommunityCloud", "StateOwnedEntity"},
                requiredMode = Schema.RequiredMode.REQUIRED,
                example = "Education")
        @NotNull(message = "is required")
        String qualification,

        @Schema(description = "The GCC validation code; required for GovernmentCommunityCloud.", example = "12345")
        @Size(max = 100, message = "must be at most 100 characters")
        String validationCode,

        @Schema(description = "The education segment, for Education.", example = "K12")
        @Size(max = 100, message = "must be at most 100 characters")
        String educationSegment,

        @Schema(description = "The customer's website.", example = "https://www.contoso.edu")
        @Size(max = 2048, message = "must be at most 2048 characters")
        String website) {

    static final String GCC = QualificationUpdate.GCC;
    private static final Set<String> QUALIFICATIONS = Set.of("Education", GCC, "StateOwnedEntity");

    /**
     * Checked here rather than with {@code @Pattern}, which springdoc would document as an unanchored pattern
     * beside the enum; named so that the error names the field "qualification".
     */
    @Schema(hidden = true)
    @AssertTrue(message = "must be Education, GovernmentCommunityCloud or StateOwnedEntity")
    boolean isQualification() {
        return qualification == null || QUALIFICATIONS.contains(qualification);
    }

    @Schema(hidden = true)
    @AssertTrue(message = "is required for GovernmentCommunityCloud")
    boolean isValidationCode() {
        return !GCC.equals(qualification) || (validationCode != null && !validationCode.isBlank());
    }

    QualificationUpdate toUpdate() {
        return new QualificationUpdate(qualification, validationCode, educationSegment, website);
    }
}
