package org.harbour.routes.config;

import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A start that fails on its configuration ends in one line on stderr, naming the property, the
 * environment variable that sets it and what is wrong, instead of Spring's report and a stack
 * trace of a hundred lines (the exit status is non-zero either way). Failures it does not
 * recognise are left to Spring's own report.
 */
public final class StartupFailureReporter implements SpringBootExceptionReporter {

    /** Spring creates reporters with the context that failed (unused). */
    public StartupFailureReporter(ConfigurableApplicationContext context) {
    }

    @Override
    public boolean reportException(Throwable failure) {
        String line = describe(failure);
        if (line == null) {
            return false;
        }
        System.err.println("harbour: cannot start: " + line);
        return true;
    }

    /** The environment variable that sets a property (Spring's relaxed binding: upper case, '.' as '_', no '-'). */
    static String variable(String property) {
        return property.replace("-", "").replace('.', '_').replace("[", "_").replace("]", "").toUpperCase(
                java.util.Locale.ROOT);
    }

    /** One line for a configuration failure, or null for anything else. */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException bind) {
                String property = bind.getProperty() != null ? bind.getProperty().getName().toString()
                        : bind.getName().toString();
                Throwable root = bind;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return "property " + property + " (" + variable(property) + "): " + (bind.getProperty() != null
                        ? "the value is not valid: " : "") + root.getMessage();
            }
            if (t instanceof PortInUseException port) {
                return "port " + port.getPort() + " is already in use (server.port, SERVER_PORT; or"
                        + " harbour.mllp.port, HARBOUR_MLLP_PORT)";
            }
            String message = t.getMessage();
            if (message != null && message.contains("Database may be already in use")) {
                return "the embedded database under harbour.data-dir (HARBOUR_DATA_DIR) is in use by another process"
                        + " (a hub already running?)";
            }
            if ((t instanceof IllegalStateException || t instanceof IllegalArgumentException) && message != null
                    && fromHarbour(t) && t.getCause() == null) {
                return message;
            }
        }
        return null;
    }

    /** Whether the hub itself raised it (its own configuration checks), not a library. */
    private static boolean fromHarbour(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("org.harbour.");
    }
}
