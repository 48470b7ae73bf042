package org.harbour.mappings.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class V2MessageTest {

    @Test
    void fieldsRepetitionsComponentsAndSubcomponentsAreNumberedAsHl7NumbersThem() {
        V2Message m = V2Message.parse("\uFEFFMSH|^~\\&|APP|KWH|HUB|HUB|20261122||ADT^A01|C1|P|2.5\n"
                + "PID|1||M1^^^KWH&1.2.3&ISO^MR~A123456(3)^^^HKID^NNHKG||陳^大文\r\n");
        Segment msh = m.msh();
        assertThat(msh.text(1)).isEqualTo("|");
        assertThat(msh.raw(2)).isEqualTo("^~\\&");
        assertThat(msh.text(4)).isEqualTo("KWH");
        assertThat(m.type()).isEqualTo("ADT^A01");
        Segment pid = m.first("PID");
        assertThat(pid.all(3)).hasSize(2);
        assertThat(pid.all(3).get(0).text(4, 2)).isEqualTo("1.2.3");
        assertThat(pid.all(3).get(1).text(5)).isEqualTo("NNHKG");
        assertThat(pid.field(5).text(2)).isEqualTo("大文");
    }

    @Test
    void escapeSequencesAreDecoded() {
        V2Message m = V2Message.parse("MSH|^~\\&|A|B|C|D|20261122||ORU^R01|1|P|2.5\r"
                + "NTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\X41E4B8AD\\h\\H\\bold\\N\\");
        assertThat(m.first("NTE").field(3).decoded()).isEqualTo("a|b^c&d~e\\f\ngA中hbold");
    }

    @Test
    void twoEscapeCharactersInARowAreKeptAsSentNotAFailure() {
        V2Message m = V2Message.parse("MSH|^~\\&|A|B|C|D|20261122||ORU^R01|1|P|2.5\r"
                + "OBX|1|ST|X||see C:\\\\temp\\F\\report");
        assertThat(m.first("OBX").field(5).decoded()).isEqualTo("see C:\\\\temp|report");
    }

    @Test
    void unreadFieldsAreListedAndTheExplicitNullIsEmpty() {
        V2Message m = V2Message.parse("MSH|^~\\&|A|B|C|D|20261122||ORU^R01|1|P|2.5\rOBX|1|NM|X||\"\"|mg");
        Segment obx = m.first("OBX");
        assertThat(obx.has(5)).isFalse();
        obx.text(3);
        assertThat(obx.unread()).containsExactly(1, 2, 6);
    }

    @Test
    void aMessageWithoutMshIsRefused() {
        assertThatThrownBy(() -> V2Message.parse("PID|1||X")).isInstanceOf(IllegalArgumentException.class);
    }
}
