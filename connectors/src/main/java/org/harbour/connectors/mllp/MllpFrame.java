package org.harbour.connectors.mllp;

/**
 * One MLLP block as received.
 *
 * @param payload the bytes between the start and end blocks, at most the configured maximum
 * @param length how many payload bytes the sender sent; larger than {@code payload.length}
 *     when the block exceeded the maximum and the rest was discarded
 */
public record MllpFrame(byte[] payload, long length) {

    public boolean truncated() {
        return length > payload.length;
    }
}
