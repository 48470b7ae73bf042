package org.harbour.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class InboundMetadataTest {

    @Test
    void packedMetadataUnpacksToTheSameTextInTheSameOrder() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("HarbourControlId", "MSG-0001");
        headers.put("HarbourSender", "陳氏診所");
        headers.put("HarbourRemoteAddress", "/127.0.0.1:54321");
        headers.put("HarbourOdd", "100% sure\nsecond line\r=equals=");
        headers.put("HarbourLength", 3013L);
        headers.put("HarbourFlag", Boolean.TRUE);
        headers.put("HarbourEmpty", "");

        String packed = InboundMetadata.pack(headers);

        assertThat(packed).doesNotContain("\r").contains("HarbourOdd=100%25 sure%0Asecond line%0D=equals=\n");
        Map<String, String> unpacked = InboundMetadata.unpack(packed);
        assertThat(List.copyOf(unpacked.keySet())).containsExactlyElementsOf(headers.keySet());
        headers.forEach((name, value) -> assertThat(unpacked.get(name)).isEqualTo(value.toString()));
    }

    @Test
    void valuesThatAreNotMetadataAreLeftOut() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("HarbourControlId", "C1");
        headers.put("CamelSomething", new Object());
        headers.put("HarbourNothing", null);

        assertThat(InboundMetadata.unpack(InboundMetadata.pack(headers))).containsOnlyKeys("HarbourControlId");
    }

    @Test
    void aNameThatCannotBeReadBackIsRefused() {
        assertThatThrownBy(() -> InboundMetadata.pack(Map.of("a=b", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InboundMetadata.unpack("no equals sign\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InboundMetadata.unpack("A=bad %4")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expandTurnsThePackedPropertyIntoHeadersAndKeepsHeadersAlreadySet() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("HarbourSender", "set later, kept");
        exchange.getIn().setHeader(InboundMetadata.PROPERTY,
                InboundMetadata.pack(Map.of("HarbourControlId", "C9", "HarbourSender", "packed")));

        InboundMetadata.expand(exchange);

        assertThat(exchange.getIn().getHeaders()).doesNotContainKey(InboundMetadata.PROPERTY)
                .containsEntry("HarbourControlId", "C9").containsEntry("HarbourSender", "set later, kept");
    }

    @Test
    void aMessageWithOnePropertyPerHeaderIsReadAsItIs() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader("HarbourControlId", "C1");

        InboundMetadata.expand(exchange);

        assertThat(exchange.getIn().getHeaders()).containsExactly(Map.entry("HarbourControlId", "C1"));
    }
}
