package com.contoso.partnercenter.bff.eligibility;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How purchase eligibility is decided when Partner Center cannot answer.
 *
 * @param staleAllowed whether a last-known validation status that allows purchases may be answered during an
 *     outage. Off by default: the decision fails closed, a last-known "blocked" is answered and a last-known
 *     "allowed" is not (the account may have been blocked since).
 */
@ConfigurationProperties("partner-center.eligibility")
public record EligibilityProperties(@DefaultValue("false") boolean staleAllowed) {}
