package org.harbour.connectors.mllp;

import java.io.IOException;

/** A connection was silent for longer than allowed: idle between messages, or stalled inside one. */
public final class MllpTimeoutException extends IOException {

    private final boolean insideFrame;

    public MllpTimeoutException(String message, boolean insideFrame) {
        super(message);
        this.insideFrame = insideFrame;
    }

    /** True when a partly received message was abandoned (it was never acknowledged). */
    public boolean insideFrame() {
        return insideFrame;
    }
}
