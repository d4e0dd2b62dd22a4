package com.contoso.partnercenter.bff.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link Misconfiguration} as Spring Boot reports a missing credential: a description naming the
 * property and the action to take, instead of forty lines of stack trace.
 */
class MisconfigurationFailureAnalyzer extends AbstractFailureAnalyzer<Misconfiguration> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, Misconfiguration cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
