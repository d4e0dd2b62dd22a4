package com.contoso.partnercenter.bff.partnercenter.failure;

import com.contoso.partnercenter.bff.partnercenter.upstream.UpstreamError;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failures that only a person mends: the consent behind the service's App+User refresh token must be renewed,
 * by a partner admin signing in with multi-factor authentication. Partner Center's 401 {@code 900421} (its MFA
 * enforcement of April 2026), Entra ID's {@code AADSTS50076} / {@code AADSTS50078} (MFA required, or expired),
 * and an {@code invalid_grant} of the refresh token ({@code AADSTS700082}: unused for 90 days; anything else:
 * revoked) look different on the wire and mean one thing for an operator, so they are told as one, by reason.
 */
public enum ConsentNeeded {
    MFA_REQUIRED(
            "mfa-required",
            "multi-factor authentication is required: the user whose consent the service's refresh token carries did"
                    + " not sign in with MFA, or that sign-in has expired"),
    REFRESH_TOKEN_EXPIRED(
            "refresh-token-expired",
            "the service's App+User refresh token has expired (unused for 90 days, or past its lifetime)"),
    CONSENT_REVOKED(
            "consent-revoked",
            "Microsoft Entra ID no longer accepts the service's App+User refresh token: the consent was revoked, or"
                    + " the user's password or sessions were reset");

    /** Partner Center's error code for an App+User call whose user token lacks MFA. */
    public static final String PARTNER_CENTER_MFA_CODE = "900421";

    /** What the operator does, whatever the reason. */
    public static final String RENEWAL = "A partner admin consents again (the secure application model), signing in"
            + " with multi-factor authentication, and the new refresh token goes in the Secret under refresh-token"
            + " (partner-center.auth.refresh-token); roll the pods, and in fleet mode the first new pod hands it to"
            + " every replica.";

    private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");

    // MFA required (50076, 50079: enrol first, 50074: strong authentication) or expired (50078).
    private static final Set<String> MFA_CODES = Set.of("AADSTS50076", "AADSTS50078", "AADSTS50079", "AADSTS50074");
    // The refresh token expired: unused for 90 days (700082), past its lifetime (70008), past the sign-in frequency a
    // Conditional Access policy sets (70043).
    private static final Set<String> EXPIRED_CODES = Set.of("AADSTS700082", "AADSTS70008", "AADSTS70043");
    // Nobody (any more) consented to the application.
    private static final Set<String> NOT_CONSENTED_CODES = Set.of("AADSTS65001");

    private final String reason;
    private final String cause;

    ConsentNeeded(String reason, String cause) {
        this.reason = reason;
        this.cause = cause;
    }

    /** The reason as the health component, the gauge and the alert name it. */
    public String reason() {
        return reason;
    }

    /** A sentence for a portal: the cause, and that a person must act. */
    public String detail(String upstreamCode) {
        String code = upstreamCode != null ? " (" + upstreamCode + ")" : "";
        return "Partner Center's App+User operations cannot be called" + code + ": " + cause + ". An operator must"
                + " have a partner admin renew the service's consent, signing in with multi-factor authentication;"
                + " App-only operations are unaffected.";
    }

    /** A sentence for an operator: the cause and what to do. */
    public String action() {
        return Character.toUpperCase(cause.charAt(0)) + cause.substring(1) + ". " + RENEWAL;
    }

    /** Partner Center's answer needs a new consent: its 401 with 900421. */
    static boolean ofPartnerCenter(int status, UpstreamError error) {
        return status == 401 && PARTNER_CENTER_MFA_CODE.equals(error.code());
    }

    /**
     * Entra ID's refusal of the refresh token as a reason, or null when it is not one a new consent mends (the app's
     * own credentials, say).
     */
    public static ConsentNeeded ofEntraId(String error, String description) {
        String code = entraIdCode(description);
        if (MFA_CODES.contains(code)) {
            return MFA_REQUIRED;
        }
        if (EXPIRED_CODES.contains(code)) {
            return REFRESH_TOKEN_EXPIRED;
        }
        if (NOT_CONSENTED_CODES.contains(code)) {
            return CONSENT_REVOKED;
        }
        // Without a code it knows: a sign-in Entra ID asks for is MFA's for this service, a refused grant revoked.
        return switch (error == null ? "" : error) {
            case "interaction_required" -> MFA_REQUIRED;
            case "invalid_grant" -> CONSENT_REVOKED;
            default -> null;
        };
    }

    /** The {@code AADSTS…} code Entra ID's description starts with, or null. */
    public static String entraIdCode(String description) {
        if (description == null) {
            return null;
        }
        Matcher code = AADSTS.matcher(description);
        return code.find() ? code.group() : null;
    }

    /** The reason a failure names, or null when it is not one only a new consent mends. */
    public static ConsentNeeded of(FailureKind kind, UpstreamError error) {
        return switch (kind) {
            case MFA_REQUIRED -> MFA_REQUIRED;
            case CONSENT_NEEDED -> ofEntraId(error.errorName(), error.code());
            default -> null;
        };
    }

    /** The reason with this name, or null. */
    public static ConsentNeeded named(String reason) {
        for (ConsentNeeded value : values()) {
            if (value.reason.equals(reason)) {
                return value;
            }
        }
        return null;
    }
}
