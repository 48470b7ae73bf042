package org.harbour.routes.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Makes {@code harbour.data-dir} owner-only before the broker and database open files in it: it
 * holds patients' messages (sealed), the journal, the keys and generated secrets. A directory
 * that does not exist is created so; one that exists (made {@code 755} by an installer, say) has
 * every directory under it set to {@code rwx------} and every file to {@code rw-------} at each
 * start. When that cannot be done (another owner, a read-only mount), the hub does not start,
 * and says which path and why.
 */
public class DataDirectoryPreparer implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        secure(Path.of(event.getEnvironment().getProperty("harbour.data-dir", "./data")));
    }

    /** Creates the directory owner-only, or makes it and everything under it owner-only. */
    public static void secure(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir.toAbsolutePath(), e);
        }
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return; // no POSIX permissions on this platform: the directory's ACL applies
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                    ownerOnly(d, DIRECTORY);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attributes) throws IOException {
                    if (!attributes.isSymbolicLink()) {
                        ownerOnly(f, FILE);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("the data directory " + dir.toAbsolutePath() + " cannot be made readable by"
                    + " its owner only (" + e.getMessage() + "); it holds patient data and keys: fix its ownership or"
                    + " permissions (chown/chmod -R go-rwx), or choose another harbour.data-dir", e);
        }
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> wanted) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (!now.equals(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
        }
    }
}
