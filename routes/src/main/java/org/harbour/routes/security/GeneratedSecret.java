package org.harbour.routes.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret that is configured, or else generated once and kept in an owner-only file under the
 * data directory. The secret itself is never logged; the file's path is.
 */
public final class GeneratedSecret {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedSecret.class);
    private static final int RANDOM_BYTES = 32;

    private GeneratedSecret() {
    }

    /**
     * @param configured the configured value, or null/blank
     * @param file where a generated value is kept
     * @param what a name for the log line
     */
    public static String resolve(String configured, Path file, String what) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(file.getParent());
            byte[] random = new byte[RANDOM_BYTES];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException raced) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            LOG.info("No {} configured: generated one and wrote it to {} (owner-only)", what, file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + what + " file " + file, e);
        }
    }
}
