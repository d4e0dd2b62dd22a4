package com.contoso.partnercenter.bff.startup;

/**
 * The service was started with settings it cannot work with. {@link MisconfigurationFailureAnalyzer} turns it
 * into Spring Boot's short startup failure report, with no stack trace: what is wrong, and what to set.
 */
public class Misconfiguration extends IllegalStateException {

    private final String action;

    /**
     * @param description what is wrong, naming the property.
     * @param action what an operator sets to mend it.
     */
    public Misconfiguration(String description, String action) {
        super(description);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
