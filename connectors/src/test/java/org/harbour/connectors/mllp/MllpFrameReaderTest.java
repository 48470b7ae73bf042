package org.harbour.connectors.mllp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MllpFrameReaderTest {

    private final List<Long> skipped = new ArrayList<>();

    private MllpFrameReader reader(InputStream in, int max) {
        return new MllpFrameReader(in, max, 60_000, 60_000, () -> false, (count, why) -> skipped.add(count));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String text(MllpFrame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void threeBlocksInOneReadAreAllReturned() throws IOException {
        byte[] stream = concat(Mllp.frame(bytes("MSH|1")), Mllp.frame(bytes("MSH|2")), Mllp.frame(bytes("MSH|3")));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 1000);
        assertThat(text(reader.next())).isEqualTo("MSH|1");
        assertThat(text(reader.next())).isEqualTo("MSH|2");
        assertThat(text(reader.next())).isEqualTo("MSH|3");
        assertThat(reader.next()).isNull();
    }

    @Test
    void blockSplitAcrossOneByteReadsIsAssembled() throws IOException {
        byte[] stream = Mllp.frame(bytes("MSH|^~\\&|陳大文"));
        InputStream trickle = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < stream.length ? stream[i++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= stream.length) {
                    return -1;
                }
                b[off] = stream[i++];
                return 1;
            }
        };
        assertThat(text(reader(trickle, 1000).next())).isEqualTo("MSH|^~\\&|陳大文");
    }

    @Test
    void garbageBetweenBlocksIsSkippedAndCounted() throws IOException {
        byte[] stream = concat(bytes("junk"), Mllp.frame(bytes("MSH|1")), bytes("\r\n"), bytes("xx"),
                Mllp.frame(bytes("MSH|2")));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 1000);
        assertThat(text(reader.next())).isEqualTo("MSH|1");
        assertThat(text(reader.next())).isEqualTo("MSH|2");
        assertThat(skipped).containsExactly(4L, 2L);
    }

    @Test
    void endBlockWithoutCarriageReturnIsAccepted() throws IOException {
        byte[] stream = concat(new byte[] {Mllp.START_BLOCK}, bytes("MSH|1"), new byte[] {Mllp.END_BLOCK},
                Mllp.frame(bytes("MSH|2")));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 1000);
        assertThat(text(reader.next())).isEqualTo("MSH|1");
        assertThat(text(reader.next())).isEqualTo("MSH|2");
    }

    @Test
    void oversizedBlockIsTruncatedAndTheStreamStaysInStep() throws IOException {
        byte[] stream = concat(Mllp.frame(bytes("MSH|" + "x".repeat(100))), Mllp.frame(bytes("MSH|2")));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 10);
        MllpFrame big = reader.next();
        assertThat(big.truncated()).isTrue();
        assertThat(big.payload()).hasSize(10);
        assertThat(big.length()).isEqualTo(104);
        assertThat(text(reader.next())).isEqualTo("MSH|2");
    }

    @Test
    void unendedBlockFollowedByANewOneIsDiscarded() throws IOException {
        byte[] stream = concat(new byte[] {Mllp.START_BLOCK}, bytes("MSH|lost"), Mllp.frame(bytes("MSH|2")));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 1000);
        assertThat(text(reader.next())).isEqualTo("MSH|2");
        assertThat(skipped).containsExactly(8L);
    }

    @Test
    void closeInsideABlockIsAnError() {
        byte[] stream = concat(new byte[] {Mllp.START_BLOCK}, bytes("MSH|half"));
        MllpFrameReader reader = reader(new ByteArrayInputStream(stream), 1000);
        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }
}
