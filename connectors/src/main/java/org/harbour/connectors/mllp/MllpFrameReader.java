package org.harbour.connectors.mllp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Splits a byte stream into MLLP blocks, whatever the sender's write boundaries were.
 *
 * <p>Several blocks in one read (pipelining) stay buffered and are returned one by one; a block
 * split over many reads is assembled. Bytes outside blocks are skipped and reported (blank
 * lines silently); a block longer than the maximum is read to its end, its first bytes kept and
 * flagged as truncated, so the connection stays in step. An end block not followed by a
 * carriage return is accepted.
 *
 * <p>The underlying socket must have a short read timeout (the poll interval): it lets the
 * reader enforce the idle and stalled-message timeouts and notice a shutdown between messages.
 */
public final class MllpFrameReader {

    /** Told about bytes skipped outside any block; gets counts only, never content. */
    @FunctionalInterface
    public interface SkippedBytesListener {
        void skipped(long count, String why);
    }

    private static final int READ_CHUNK = 64 * 1024;

    private final InputStream in;
    private final int maxPayload;
    private final long idleTimeoutMillis;
    private final long stalledTimeoutMillis;
    private final BooleanSupplier stopping;
    private final SkippedBytesListener skippedListener;
    private final LongSupplier clock;

    private final byte[] buffer = new byte[READ_CHUNK];
    private int position;
    private int limit;
    private long lastByteAt;

    public MllpFrameReader(InputStream in, int maxPayload, long idleTimeoutMillis, long stalledTimeoutMillis,
            BooleanSupplier stopping, SkippedBytesListener skippedListener) {
        this.in = in;
        this.maxPayload = maxPayload;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.stalledTimeoutMillis = stalledTimeoutMillis;
        this.stopping = stopping;
        this.skippedListener = skippedListener;
        this.clock = System::currentTimeMillis;
        this.lastByteAt = clock.getAsLong();
    }

    /** True when bytes of a further block are already buffered (the sender pipelined). */
    public boolean hasBufferedBytes() {
        return position < limit;
    }

    /**
     * The next block, or null when the peer closed the connection (or the reader is stopping)
     * between blocks.
     *
     * @throws MllpTimeoutException when the connection was idle or a block stalled too long
     * @throws java.io.EOFException when the peer closed in the middle of a block
     */
    public MllpFrame next() throws IOException {
        if (!seekStartBlock()) {
            return null;
        }
        return readBlock();
    }

    private boolean seekStartBlock() throws IOException {
        long skipped = 0;
        while (true) {
            while (position < limit) {
                byte b = buffer[position++];
                if (b == Mllp.START_BLOCK) {
                    reportSkipped(skipped, "bytes outside an MLLP block");
                    return true;
                }
                if (b != '\r' && b != '\n' && b != ' ' && b != '\t' && b != 0) {
                    skipped++;
                }
            }
            if (!fill(false)) {
                reportSkipped(skipped, "bytes outside an MLLP block before the connection closed");
                return false;
            }
        }
    }

    private MllpFrame readBlock() throws IOException {
        Accumulator payload = new Accumulator(maxPayload);
        while (true) {
            int scanFrom = position;
            while (position < limit) {
                byte b = buffer[position];
                if (b == Mllp.END_BLOCK) {
                    payload.append(buffer, scanFrom, position - scanFrom);
                    position++;
                    consumeCarriageReturn();
                    return payload.toFrame();
                }
                if (b == Mllp.START_BLOCK) {
                    // a new block began before this one ended: the sender gave up on it
                    payload.append(buffer, scanFrom, position - scanFrom);
                    reportSkipped(payload.length(), "an MLLP block that was never ended");
                    payload = new Accumulator(maxPayload);
                    scanFrom = ++position;
                    continue;
                }
                position++;
            }
            payload.append(buffer, scanFrom, position - scanFrom);
            if (!fill(true)) {
                throw new java.io.EOFException("connection closed inside an MLLP block after "
                        + payload.length() + " bytes");
            }
        }
    }

    private void consumeCarriageReturn() throws IOException {
        if (position == limit && in.available() > 0) {
            fill(true);
        }
        if (position < limit && buffer[position] == Mllp.CARRIAGE_RETURN) {
            position++;
        }
    }

    /**
     * Reads more bytes into the buffer. Returns false at end of stream, or when stopping
     * between blocks.
     */
    private boolean fill(boolean insideFrame) throws IOException {
        position = 0;
        limit = 0;
        while (true) {
            if (!insideFrame && stopping.getAsBoolean()) {
                return false;
            }
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException pollExpired) {
                checkTimeouts(insideFrame);
                continue;
            }
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                limit = n;
                lastByteAt = clock.getAsLong();
                return true;
            }
        }
    }

    private void checkTimeouts(boolean insideFrame) throws MllpTimeoutException {
        long silent = clock.getAsLong() - lastByteAt;
        if (insideFrame && silent > stalledTimeoutMillis) {
            throw new MllpTimeoutException("no bytes for " + silent + " ms inside an MLLP block", true);
        }
        if (!insideFrame && silent > idleTimeoutMillis) {
            throw new MllpTimeoutException("connection idle for " + silent + " ms", false);
        }
    }

    private void reportSkipped(long count, String why) {
        if (count > 0) {
            skippedListener.skipped(count, why);
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
