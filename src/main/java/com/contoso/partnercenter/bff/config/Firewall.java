package com.contoso.partnercenter.bff.config;

import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's {@link StrictHttpFirewall} with its rule for header names and values and parameter names
 * checked by a loop instead of its regular expressions ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, a tab also
 * allowed in a header value). The rule is the same, code point by code point (FirewallTest compares the two on
 * every one); the expressions, run on every header a filter reads, took 3 % of a passed-through request's CPU
 * (docs/performance.md). Everything else is the strict firewall's default.
 */
final class Firewall {

    private Firewall() {}

    static HttpFirewall strict() {
        var firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(name -> assignedAndNotControl(name, false));
        firewall.setAllowedHeaderValues(value -> assignedAndNotControl(value, true));
        firewall.setAllowedParameterNames(name -> assignedAndNotControl(name, false));
        return firewall;
    }

    /** Every code point assigned in Unicode and none a control character, but a tab where {@code tab} allows it. */
    static boolean assignedAndNotControl(String text, boolean tab) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) { // printable ASCII: nearly every character a header has
                i++;
                continue;
            }
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
