package org.harbour.connectors.mllp;

/** MLLP block characters (HL7 v2 Minimal Lower Layer Protocol, release 2). */
public final class Mllp {

    public static final byte START_BLOCK = 0x0B;
    public static final byte END_BLOCK = 0x1C;
    public static final byte CARRIAGE_RETURN = 0x0D;

    private Mllp() {
    }

    /**
     * Several answers to one message (enhanced acknowledgement mode's accept and application
     * acknowledgements) as one reply payload: joined by an end block and a start block, so that
     * the one frame a listener writes around it is a frame each. An empty list is an empty
     * payload, which a listener answers with nothing.
     */
    public static byte[] answers(java.util.List<byte[]> payloads) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < payloads.size(); i++) {
            if (i > 0) {
                out.write(END_BLOCK);
                out.write(CARRIAGE_RETURN);
                out.write(START_BLOCK);
            }
            out.writeBytes(payloads.get(i));
        }
        return out.toByteArray();
    }

    /** Wraps a payload in MLLP start and end blocks. */
    public static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + 3];
        framed[0] = START_BLOCK;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        framed[framed.length - 2] = END_BLOCK;
        framed[framed.length - 1] = CARRIAGE_RETURN;
        return framed;
    }
}
