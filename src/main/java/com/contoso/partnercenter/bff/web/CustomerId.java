package com.contoso.partnercenter.bff.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A customer (tenant) id: a GUID, checked before anything is sent to Partner Center. */
@Documented
@NotNull
@Pattern(regexp = CustomerId.GUID)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface CustomerId {

    String GUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    String message() default "must be a GUID such as 0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
