package com.contoso.partnercenter.bff.partnercenter.upstream;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Hooks;

/**
 * Spring Security registers a Reactor hook ({@code SecurityReactorContextConfiguration}) that copies the servlet
 * request, response and authentication into the context of every Reactor pipeline subscribed on a request thread,
 * for its servlet OAuth2 exchange filter functions. The module's WebClients use none of them: their tokens come
 * from {@code EntraIdTokens}, and a request's context crosses as {@link RequestContext} says. The hook cost 2 % of
 * a passed-through request's CPU (docs/performance.md), so it is taken out once every bean, Spring Security's
 * registrar included, is in place. InboundSecurityTest checks that a pipeline no longer gets those attributes.
 */
@Component
class SecurityContextHook implements SmartInitializingSingleton {

    // SecurityReactorContextConfiguration.SecurityReactorContextSubscriberRegistrar's key (spring-security-config 7.1).
    static final String KEY = "org.springframework.security.SECURITY_REACTOR_CONTEXT_OPERATOR";

    @Override
    public void afterSingletonsInstantiated() {
        Hooks.resetOnLastOperator(KEY);
    }
}
