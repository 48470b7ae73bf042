package org.harbour.connectors.mllp;

/**
 * What of untrusted input and of failures may go into a log line at INFO and above: never a
 * value that could be patient data. A failure is named by its exception classes (their messages
 * can quote the data that failed: a database's "value too long" quotes the value); an identifier
 * taken from a message (a control id) is written with its control characters escaped and cut to
 * a length no identifier needs, so a damaged envelope cannot write a log line of its own.
 */
public final class LogSafe {

    private static final int MAX_IDENTIFIER = 64;

    private LogSafe() {
    }

    /** The exception and its causes by class only, outermost first: {@code IllegalStateException < SQLException}. */
    public static String failure(Throwable failure) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 5; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (out.length() > 0) {
                out.append(" < ");
            }
            out.append(t.getClass().getSimpleName());
        }
        return out.toString();
    }

    /**
     * An identifier from a message as it may be logged: control characters (ESC, CR, LF and the
     * rest, and DEL) as {@code \xNN}, at most 64 characters (then {@code …}); null as {@code -}.
     */
    public static String identifier(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_IDENTIFIER) + 8);
        for (int i = 0; i < value.length(); i++) {
            if (i == MAX_IDENTIFIER) {
                out.append('…');
                break;
            }
            char c = value.charAt(i);
            if (c < ' ' || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
