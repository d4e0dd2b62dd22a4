package com.contoso.partnercenter.bff.partnercenter.upstream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of Partner Center's qualification POST. The GCC validation code travels as the documented
 * {@code code} query parameter, not in the body (where the .NET SDK put it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QualificationUpdate(
        String qualification,
        String educationSegment,
        String website,
        @JsonIgnore String validationCode) {}
