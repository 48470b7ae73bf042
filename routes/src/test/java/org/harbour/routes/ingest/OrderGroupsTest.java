package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.harbour.routes.Headers;
import org.junit.jupiter.api.Test;

class OrderGroupsTest {

    private final OrderGroups groups = new OrderGroups(1024);

    private static String message(String pid) {
        return "MSH|^~\\&|LIS|KWC|HARBOUR|HUB|20261203091500+0800||ADT^A08^ADT_A01|C1|P|2.5.1\r"
                + "EVN|A08|20261203091500+0800\r" + pid + "PV1|1|O\r";
    }

    private static Map<String, Object> from(String application, String facility, Charset charset) {
        return Map.of(Headers.SENDING_APPLICATION, application, Headers.SENDER, facility, Headers.CHARSET,
                charset.name());
    }

    private String group(String message, Map<String, Object> metadata, Charset charset) {
        return groups.groupOf(message.getBytes(charset), metadata);
    }

    @Test
    void onePatientFromOneSourceIsOneGroupWhateverElseTheMessageSays() {
        String first = message("PID|1||K123456(7)^^^HKID^NNHKG~MRN88^^^KWC^MR||陳^大文||19700101|M\r");
        String second = message("PID|1||K123456(7)^^^HKID^NNHKG||陳^大文^^^^^L||19700101|M|||香港九龍\r")
                .replace("|C1|", "|C2|");
        Map<String, Object> lis = from("LIS", "KWC", StandardCharsets.UTF_8);

        assertThat(group(first, lis, StandardCharsets.UTF_8)).isEqualTo(group(second, lis, StandardCharsets.UTF_8))
                .matches("p[0-9]{1,4}");
        // the same message in Big5, its segments ended by line feeds
        Charset big5 = Charset.forName("Big5");
        assertThat(group(first.replace('\r', '\n'), from("LIS", "KWC", big5), big5))
                .isEqualTo(group(first, lis, StandardCharsets.UTF_8));
    }

    @Test
    void theIdentifierItsAuthorityAndTheSourceMakeTheGroup() {
        Set<String> seen = new HashSet<>();
        Map<String, Object> lis = from("LIS", "KWC", StandardCharsets.UTF_8);
        for (int p = 0; p < 200; p++) {
            seen.add(group(message("PID|1||P" + p + "^^^KWC^MR||黃^美玲\r"), lis, StandardCharsets.UTF_8));
        }
        // 200 patients spread over many groups, so unrelated patients go on side by side
        assertThat(seen).hasSizeGreaterThan(150);
        String patient = "PID|1||P7^^^KWC^MR||黃^美玲\r";
        String sameNumberOtherAuthority = "PID|1||P7^^^QEH^MR||黃^美玲\r";
        long distinct = Set.of(group(message(patient), lis, StandardCharsets.UTF_8),
                group(message(sameNumberOtherAuthority), lis, StandardCharsets.UTF_8),
                group(message(patient), from("RIS", "KWC", StandardCharsets.UTF_8), StandardCharsets.UTF_8)).size();
        assertThat(distinct).as("another authority, another application").isGreaterThan(1);
    }

    @Test
    void noPatientNoGroup() {
        Map<String, Object> lis = from("LIS", "KWC", StandardCharsets.UTF_8);
        assertThat(group(message(""), lis, StandardCharsets.UTF_8)).isNull();
        assertThat(group(message("PID|1||\r"), lis, StandardCharsets.UTF_8)).isNull();
        assertThat(group(message("PID|1\r"), lis, StandardCharsets.UTF_8)).isNull();
        assertThat(group(message("PID|1||^^^HKID\r"), lis, StandardCharsets.UTF_8)).isNull();
        assertThat(groups.groupOf("{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8), lis)).isNull();
        // a PID inside another segment's text is not a PID segment
        assertThat(group(message("NTE|1||see PID|1||X1\r"), lis, StandardCharsets.UTF_8)).isNull();
        assertThat(OrderGroups.none().groupOf(message("PID|1||P1^^^KWC^MR\r").getBytes(StandardCharsets.UTF_8), lis))
                .isNull();
    }
}
