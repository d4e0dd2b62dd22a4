package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of {@link PartnerCenterProperties} that no standard constraint says: each a Bean Validation constraint,
 * so every setting is checked one way, at the start. Messages name what to set, never a setting's value (a key or a
 * secret).
 */
final class SettingsConstraints {

    private SettingsConstraints() {}

    /** A key of {@code partner-center.quota} or {@code .throttle.scope}: one of the operations' names. */
    @Constraint(validatedBy = OperationName.Check.class)
    @Target(ElementType.TYPE_USE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface OperationName {
        String message() default "names no operation";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<OperationName, String> {
            @Override
            public boolean isValid(String name, ConstraintValidatorContext context) {
                return name == null
                        || Operation.named(name) != null
                        || refuse(context, "names no operation; the operations are " + Operation.names());
            }
        }
    }

    /** A portal's name in {@code partner-center.portals}: a metric tag and a part of Redis keys. */
    @Constraint(validatedBy = PortalName.Check.class)
    @Target(ElementType.TYPE_USE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface PortalName {
        String message() default
                "is not a portal name the service can use: name portals with lower-case letters,"
                        + " digits and dashes (up to 63), such as sales-portal";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<PortalName, String> {
            @Override
            public boolean isValid(String name, ConstraintValidatorContext context) {
                if (name == null) {
                    return true;
                }
                if (name.equals(Portals.OTHER)) {
                    return refuse(
                            context,
                            "names the portal of every unconfigured client id (" + Portals.OTHER
                                    + "): give the portal another name");
                }
                return name.matches("[a-z0-9][a-z0-9-]{0,62}");
            }
        }
    }

    /** Each client id names one portal: a token cannot be two portals' at once. */
    @Constraint(validatedBy = OneClientIdOnePortal.Check.class)
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    @Retention(RetentionPolicy.RUNTIME)
    @interface OneClientIdOnePortal {
        String message() default "give each client id to one portal";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check
                implements ConstraintValidator<OneClientIdOnePortal, Map<String, PartnerCenterProperties.Portal>> {
            @Override
            public boolean isValid(
                    Map<String, PartnerCenterProperties.Portal> portals, ConstraintValidatorContext context) {
                Map<String, String> portalOf = new HashMap<>();
                for (var portal :
                        (portals == null ? Map.<String, PartnerCenterProperties.Portal>of() : portals).entrySet()) {
                    List<String> clientIds = portal.getValue() == null
                            ? List.of()
                            : portal.getValue().clientIds() == null
                                    ? List.of()
                                    : portal.getValue().clientIds();
                    for (String clientId : clientIds) {
                        String before = portalOf.putIfAbsent(clientId, portal.getKey());
                        if (before != null && !before.equals(portal.getKey())) {
                            return refuse(
                                    context,
                                    "name the client id " + safe(clientId) + " in two portals, " + before + " and "
                                            + portal.getKey() + ": give each client id to one portal");
                        }
                    }
                }
                return true;
            }
        }
    }

    /** {@code partner-center.fleet.token-key}: base64 of the 32 bytes of an AES-256 key, when it is set. */
    @Constraint(validatedBy = AesKey.Check.class)
    @Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
    @Retention(RetentionPolicy.RUNTIME)
    @interface AesKey {
        String ACTION = "Set it to the same 32 random bytes, base64, on every replica, for example the output of:"
                + " openssl rand -base64 32";

        String message() default "is not base64. " + ACTION;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check implements ConstraintValidator<AesKey, String> {
            @Override
            public boolean isValid(String key, ConstraintValidatorContext context) {
                if (key == null || key.isBlank()) {
                    return true; // required in fleet mode only, which the fleet's configuration says
                }
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(key.strip());
                } catch (IllegalArgumentException notBase64) {
                    return false;
                }
                return bytes.length == 32
                        || refuse(context, "holds " + bytes.length + " bytes; AES-256 needs exactly 32. " + ACTION);
            }
        }
    }

    /**
     * {@code partner-center.auth}: what its {@code client-authentication} needs is set. Whether the bundle exists and
     * the file can be read is the start's check (auth.ClientAssertions), since it needs the SSL bundles and the disk.
     */
    @Constraint(validatedBy = WhatTheClientAuthenticationNeeds.Check.class)
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface WhatTheClientAuthenticationNeeds {
        String message() default "misses what its client-authentication needs";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        final class Check
                implements ConstraintValidator<WhatTheClientAuthenticationNeeds, PartnerCenterProperties.Auth> {
            @Override
            public boolean isValid(PartnerCenterProperties.Auth auth, ConstraintValidatorContext context) {
                if (auth == null || auth.clientAuthentication() == null) {
                    return true;
                }
                return switch (auth.clientAuthentication()) {
                    case SECRET ->
                        blank(auth.clientSecret())
                                ? refuse(context, "clientSecret", "must be set (PARTNER_CENTER_AUTH_CLIENT_SECRET)")
                                : true;
                    case CERTIFICATE ->
                        blank(auth.certificateBundle())
                                ? refuse(
                                        context,
                                        "certificateBundle",
                                        "must name the SSL bundle of the application's certificate and key"
                                                + " (spring.ssl.bundle.pem.<name>.keystore.certificate and"
                                                + " .private-key) with client-authentication=certificate")
                                : true;
                    case WORKLOAD_IDENTITY ->
                        auth.federatedTokenFile() == null
                                        || blank(auth.federatedTokenFile().toString())
                                ? refuse(
                                        context,
                                        "federatedTokenFile",
                                        "must be set with client-authentication=workload-identity: Azure Workload"
                                                + " Identity's webhook sets AZURE_FEDERATED_TOKEN_FILE when the pod"
                                                + " has the label azure.workload.identity/use=true")
                                : true;
                };
            }

            private static boolean blank(String text) {
                return text == null || text.isBlank();
            }
        }
    }

    private static boolean refuse(ConstraintValidatorContext context, String property, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message)
                .addPropertyNode(property)
                .addConstraintViolation();
        return false;
    }

    private static boolean refuse(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message).addConstraintViolation();
        return false;
    }

    // A client id is configuration, not a secret; kept out of the message template's expression language all the same.
    private static String safe(String text) {
        return text.replaceAll("[{}$#\\\\]", "?");
    }
}
