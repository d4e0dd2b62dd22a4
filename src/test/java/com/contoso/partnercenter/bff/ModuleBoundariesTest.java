package com.contoso.partnercenter.bff;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Every top-level package is a module and reaches into another only through its front door: the types of its top
 * package. The Partner Center module's insides (its subpackages: tokens, cache, throttling, resilience, the fleet's
 * state) are its own. No two modules depend on each other.
 */
class ModuleBoundariesTest {

    static final ApplicationModules modules = ApplicationModules.of(PartnerCenterBffApplication.class);

    @Test
    void modulesUseEachOtherOnlyThroughTheirFrontDoorsAndFormNoCycle() {
        modules.verify();
    }
}
