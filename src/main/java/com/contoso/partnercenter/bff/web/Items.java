package com.contoso.partnercenter.bff.web;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Collections are objects with an {@code items} array, so fields can be added later without breaking portals. */
public record Items<T>(
        @ArraySchema(arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
        List<T> items) {}
