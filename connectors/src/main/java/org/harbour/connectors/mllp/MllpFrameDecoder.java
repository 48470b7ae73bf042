package org.harbour.connectors.mllp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits bytes, fed as they arrive, into MLLP blocks, whatever the sender's write boundaries were.
 *
 * <p>Several blocks in one feed (pipelining) are all handed on, in order; a block split over many
 * feeds is assembled. Bytes outside blocks are skipped and reported (blank lines, the carriage
 * return after an end block and other white space silently); a block longer than the maximum is
 * read to its end, its first bytes kept and flagged as truncated, so the stream stays in step. A
 * start block inside a block means the sender gave up on the first one: its bytes are reported as
 * skipped and the new block begins. Not thread-safe: one decoder per connection.
 */
public final class MllpFrameDecoder {

    /** Told about bytes skipped outside any block; gets counts only, never content. */
    @FunctionalInterface
    public interface SkippedBytesListener {
        void skipped(long count, String why);
    }

    private final int maxPayload;
    private final SkippedBytesListener skippedListener;
    /** The block being assembled, or null between blocks. */
    private Accumulator block;
    private long skipped;

    public MllpFrameDecoder(int maxPayload, SkippedBytesListener skippedListener) {
        this.maxPayload = maxPayload;
        this.skippedListener = skippedListener;
    }

    /** True between a start block and its end block. */
    private long blockStartedAt;

    public boolean insideBlock() {
        return block != null;
    }

    /** Bytes of the block now arriving so far (0 outside a block). */
    public long blockBytes() {
        return block == null ? 0 : block.length();
    }

    /** When the block now arriving began (the {@code now} of the feed that began it), or 0 outside a block. */
    public long blockStartedAt() {
        return block == null ? 0 : blockStartedAt;
    }

    /** Decodes {@code length} bytes from {@code bytes[offset]}; each completed block goes to {@code sink}. */
    public void feed(byte[] bytes, int offset, int length, Consumer<MllpFrame> sink) {
        feed(bytes, offset, length, System.currentTimeMillis(), sink);
    }

    /** As {@link #feed(byte[], int, int, Consumer)}, the bytes having arrived at {@code now} (epoch ms). */
    public void feed(byte[] bytes, int offset, int length, long now, Consumer<MllpFrame> sink) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            if (block == null) {
                byte b = bytes[i++];
                if (b == Mllp.START_BLOCK) {
                    report("bytes outside an MLLP block");
                    block = new Accumulator(maxPayload);
                    blockStartedAt = now;
                } else if (b != '\r' && b != '\n' && b != ' ' && b != '\t' && b != 0) {
                    skipped++;
                }
                continue;
            }
            int from = i;
            while (i < end && bytes[i] != Mllp.END_BLOCK && bytes[i] != Mllp.START_BLOCK) {
                i++;
            }
            block.append(bytes, from, i - from);
            if (i == end) {
                return;
            }
            if (bytes[i++] == Mllp.END_BLOCK) {
                MllpFrame frame = block.toFrame();
                block = null;
                sink.accept(frame);
            } else {
                // a new block began before this one ended: the sender gave up on it
                skippedListener.skipped(block.length(), "an MLLP block that was never ended");
                block = new Accumulator(maxPayload);
                blockStartedAt = now;
            }
        }
    }

    /**
     * The stream ended: reports bytes skipped since the last block. Returns how many bytes of an
     * unfinished block were received, or -1 when the stream ended between blocks.
     */
    public long endOfStream() {
        report("bytes outside an MLLP block before the connection closed");
        long partial = block == null ? -1 : block.length();
        block = null;
        return partial;
    }

    private void report(String why) {
        if (skipped > 0) {
            skippedListener.skipped(skipped, why);
            skipped = 0;
        }
    }

    /** Grows up to the maximum, then only counts. */
    private static final class Accumulator {
        private final int max;
        private byte[] bytes = new byte[4096];
        private int kept;
        private long total;

        Accumulator(int max) {
            this.max = max;
        }

        void append(byte[] source, int offset, int count) {
            total += count;
            int room = Math.min(count, max - kept);
            if (room <= 0) {
                return;
            }
            if (kept + room > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max((long) bytes.length * 2, kept + room)));
            }
            System.arraycopy(source, offset, bytes, kept, room);
            kept += room;
        }

        long length() {
            return total;
        }

        MllpFrame toFrame() {
            return new MllpFrame(Arrays.copyOf(bytes, kept), total);
        }
    }
}
