package com.contoso.partnercenter.bff.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The firewall's loop says what Spring Security's regular expressions say, for every code point. */
class FirewallTest {

    // StrictHttpFirewall's own expressions (spring-security-web 7.1).
    static final Pattern ASSIGNED_AND_NOT_CONTROL = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    static final Pattern HEADER_VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointIsJudgedAsTheExpressionsJudgeIt() {
        List<String> differ = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + Character.toString(codePoint) + "b";
            if (Firewall.assignedAndNotControl(text, false)
                            != ASSIGNED_AND_NOT_CONTROL.matcher(text).matches()
                    || Firewall.assignedAndNotControl(text, true)
                            != HEADER_VALUE.matcher(text).matches()) {
                differ.add(Integer.toHexString(codePoint));
            }
        }
        assertThat(differ).isEmpty();
    }

    @Test
    void pairsLoneSurrogatesAndTheEmptyTextAreJudgedAsTheExpressionsJudgeThem() {
        for (String text : List.of("", "\uD83D\uDE00", "x\uD83D", "\uDE00x", "Bearer eyJ\u0085", "a\tb", "\u007F")) {
            assertThat(Firewall.assignedAndNotControl(text, false))
                    .as(text)
                    .isEqualTo(ASSIGNED_AND_NOT_CONTROL.matcher(text).matches());
            assertThat(Firewall.assignedAndNotControl(text, true))
                    .as(text)
                    .isEqualTo(HEADER_VALUE.matcher(text).matches());
        }
    }
}
