package com.contoso.partnercenter.bff.partnercenter.upstream;

/**
 * The Partner Center operations this service calls. Each has its own circuit breaker, so one failing
 * operation cannot take the others down, and its own kind of token: Partner Center serves the validation
 * status and the qualification update to App+User tokens only.
 */
public enum Operation {
    VALIDATION_CODES(Operation.VALIDATION_CODES_NAME, Grant.APP_ONLY),
    QUALIFICATIONS(Operation.QUALIFICATIONS_NAME, Grant.APP_ONLY),
    QUALIFICATION_SYNC(Operation.QUALIFICATION_SYNC_NAME, Grant.APP_ONLY),
    QUALIFICATION_UPDATE(Operation.QUALIFICATION_UPDATE_NAME, Grant.APP_USER),
    VALIDATION_STATUS(Operation.VALIDATION_STATUS_NAME, Grant.APP_USER);

    // The instance names under resilience4j.* in application.yaml and the tag of the upstream metrics.
    public static final String VALIDATION_CODES_NAME = "validation-codes";
    public static final String QUALIFICATIONS_NAME = "qualifications";
    public static final String QUALIFICATION_SYNC_NAME = "qualification-sync";
    public static final String QUALIFICATION_UPDATE_NAME = "qualification-update";
    public static final String VALIDATION_STATUS_NAME = "validation-status";

    private final String instanceName;
    private final Grant grant;

    Operation(String instanceName, Grant grant) {
        this.instanceName = instanceName;
        this.grant = grant;
    }

    public String instanceName() {
        return instanceName;
    }

    public Grant grant() {
        return grant;
    }

    /** Only the update changes anything in Partner Center; the GETs may be repeated freely. */
    public boolean idempotent() {
        return this != QUALIFICATION_UPDATE;
    }

    /** Every operation but the validation codes is about one customer; the codes are the partner's. */
    public boolean perCustomer() {
        return this != VALIDATION_CODES;
    }

    /** Every operation's instance name, for messages that list them. */
    public static String names() {
        return java.util.Arrays.stream(values())
                .map(Operation::instanceName)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The operation whose resilience instances carry this name; {@code null} for any other name. */
    public static Operation named(String instanceName) {
        for (Operation operation : values()) {
            if (operation.instanceName.equals(instanceName)) {
                return operation;
            }
        }
        return null;
    }

    /** The two kinds of Entra ID token, with their OAuth2 client registration ids and the names people use. */
    public enum Grant {
        APP_ONLY("partner-center-app", "App-only"),
        APP_USER("partner-center-app-user", "App+User");

        private final String registrationId;
        private final String displayName;

        Grant(String registrationId, String displayName) {
            this.registrationId = registrationId;
            this.displayName = displayName;
        }

        /** The OAuth2 client registration id of the grant. */
        public String registrationId() {
            return registrationId;
        }

        /** How people name the grant in messages. */
        public String displayName() {
            return displayName;
        }
    }
}
