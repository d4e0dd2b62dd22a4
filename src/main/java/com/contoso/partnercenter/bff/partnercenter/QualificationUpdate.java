package com.contoso.partnercenter.bff.partnercenter;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A qualification a portal asks Partner Center to vet for a customer, as the portal asked it: the same fields make
 * the same update (an {@code Idempotency-Key} sent again with any other is refused). What Partner Center receives
 * is its documented body; the GCC validation code travels as the documented {@code code} query parameter, stripped,
 * and only for {@link #GCC} (the .NET SDK put it in the body).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QualificationUpdate(
        String qualification, @JsonIgnore String validationCode, String educationSegment, String website) {

    public static final String GCC = "GovernmentCommunityCloud";

    /** The {@code code} query parameter Partner Center takes: the validation code of a GCC update, else none. */
    @JsonIgnore
    String code() {
        return GCC.equals(qualification) && validationCode != null ? validationCode.strip() : null;
    }
}
