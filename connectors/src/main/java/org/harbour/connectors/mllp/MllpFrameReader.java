package org.harbour.connectors.mllp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Reads MLLP blocks from a blocking stream, one at a time, with the framing of
 * {@link MllpFrameDecoder}: blocks that arrived together are kept and returned one by one.
 *
 * <p>The underlying socket must have a short read timeout (the poll interval): it lets the
 * reader enforce the idle and stalled-message timeouts and notice a shutdown between messages.
 */
public final class MllpFrameReader {

    private static final int READ_CHUNK = 64 * 1024;

    private final InputStream in;
    private final MllpFrameDecoder decoder;
    private final long idleTimeoutMillis;
    private final long stalledTimeoutMillis;
    private final BooleanSupplier stopping;
    private final byte[] buffer = new byte[READ_CHUNK];
    private final ArrayDeque<MllpFrame> decoded = new ArrayDeque<>();
    private long lastByteAt = System.currentTimeMillis();
    private final long openedAt = lastByteAt;
    private boolean completedOne;
    private final SlowSenderRule slowSender;

    /** Why a connection's sender is too slow to keep (see {@code MllpEngine.slowSender}), or null. */
    @FunctionalInterface
    public interface SlowSenderRule {
        String check(long now, long openedAt, boolean completed, long blockStartedAt, long blockBytes);
    }

    public MllpFrameReader(InputStream in, int maxPayload, long idleTimeoutMillis, long stalledTimeoutMillis,
            BooleanSupplier stopping, MllpFrameDecoder.SkippedBytesListener skippedListener) {
        this(in, maxPayload, idleTimeoutMillis, stalledTimeoutMillis, stopping, skippedListener,
                (now, openedAt, completed, startedAt, bytes) -> null);
    }

    /** @param slowSender closes the connection (a timeout) when it gives a reason */
    public MllpFrameReader(InputStream in, int maxPayload, long idleTimeoutMillis, long stalledTimeoutMillis,
            BooleanSupplier stopping, MllpFrameDecoder.SkippedBytesListener skippedListener,
            SlowSenderRule slowSender) {
        this.slowSender = slowSender;
        this.in = in;
        this.decoder = new MllpFrameDecoder(maxPayload, skippedListener);
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.stalledTimeoutMillis = stalledTimeoutMillis;
        this.stopping = stopping;
    }

    /** True when a further block, or part of one, is already buffered (the sender pipelined). */
    public boolean hasBufferedBytes() {
        return !decoded.isEmpty() || decoder.insideBlock();
    }

    /**
     * The next block, or null when the peer closed the connection (or the reader is stopping)
     * between blocks.
     *
     * @throws MllpTimeoutException when the connection was idle or a block stalled too long
     * @throws java.io.EOFException when the peer closed in the middle of a block
     */
    public MllpFrame next() throws IOException {
        while (decoded.isEmpty()) {
            boolean inside = decoder.insideBlock();
            if (!inside && stopping.getAsBoolean()) {
                return null;
            }
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException pollExpired) {
                checkTimeouts(inside);
                continue;
            }
            if (n < 0) {
                long partial = decoder.endOfStream();
                if (partial >= 0) {
                    throw new java.io.EOFException("connection closed inside an MLLP block after " + partial + " bytes");
                }
                return null;
            }
            if (n > 0) {
                lastByteAt = System.currentTimeMillis();
                decoder.feed(buffer, 0, n, lastByteAt, decoded::add);
                completedOne |= !decoded.isEmpty();
                String slow = slowSender.check(lastByteAt, openedAt, completedOne, decoder.blockStartedAt(),
                        decoder.blockBytes());
                if (slow != null && decoded.isEmpty()) {
                    throw new MllpTimeoutException(slow, decoder.insideBlock());
                }
            }
        }
        return decoded.poll();
    }

    private void checkTimeouts(boolean insideFrame) throws MllpTimeoutException {
        long now = System.currentTimeMillis();
        String slow = slowSender.check(now, openedAt, completedOne, decoder.blockStartedAt(), decoder.blockBytes());
        if (slow != null) {
            throw new MllpTimeoutException(slow, insideFrame);
        }
        long silent = now - lastByteAt;
        if (insideFrame && silent > stalledTimeoutMillis) {
            throw new MllpTimeoutException("no bytes for " + silent + " ms inside an MLLP block", true);
        }
        if (!insideFrame && silent > idleTimeoutMillis) {
            throw new MllpTimeoutException("connection idle for " + silent + " ms", false);
        }
    }
}
