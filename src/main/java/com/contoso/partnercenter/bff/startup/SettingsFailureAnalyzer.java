package com.contoso.partnercenter.bff.startup;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Settings that fail their constraints, reported as an operator writes them: one line per setting, its name as in
 * {@code application.yaml} ({@code partner-center.auth.client-secret}, not the field's {@code clientSecret}) and
 * what is wrong with it. Never its value: Spring Boot's own report prints it, and the settings hold a client secret,
 * a refresh token and the fleet's key.
 */
class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> implements Ordered {

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern KEY = Pattern.compile("\\[([^\\]]*)\\]");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
        String name = cause.getValidationErrors().getName().toString();
        String errors = cause.getValidationErrors().getAllErrors().stream()
                .map(error -> "    " + property(name, error) + " " + error.getDefaultMessage())
                .distinct()
                .collect(Collectors.joining(System.lineSeparator()));
        return new FailureAnalysis(
                "These settings cannot be used:" + System.lineSeparator() + errors,
                "Set each as its line says, in application.yaml, the environment or the chart's config: values (the"
                        + " configuration reference, docs/configuration.md, lists them all).",
                cause);
    }

    // partner-center.auth.clientSecret, partner-center.quota<K>[validation-stat]: as written in application.yaml, a
    // map's keys as the operator spelled them.
    static String property(String prefix, ObjectError error) {
        if (!(error instanceof FieldError field)) {
            return prefix;
        }
        String path = field.getField().replace("<K>", "").replace("<V>", "");
        StringBuilder property = new StringBuilder(prefix);
        Matcher key = KEY.matcher(path);
        int at = 0;
        while (key.find()) {
            property.append(kebab(path.substring(at, key.start()))).append('.').append(key.group(1));
            at = key.end();
        }
        return property.append(kebab(path.substring(at))).toString();
    }

    private static String kebab(String names) {
        return names.isEmpty()
                ? ""
                : "."
                        + CAMEL.matcher(names.replaceFirst("^\\.", ""))
                                .replaceAll("$1-$2")
                                .toLowerCase(Locale.ROOT);
    }

    // Before Spring Boot's own, which would print the values.
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
