package org.harbour.routes.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The data directory is owner-only at every start, whoever made it and however. */
class DataDirectoryPreparerTest {

    @Test
    void anInstallersWorldReadableDirectoryIsMadeOwnerOnlyThroughout() throws Exception {
        Path dir = Files.createTempDirectory("harbour-installed-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = Files.writeString(db.resolve("harbour.mv.db"), "pages");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path journal = Files.createDirectories(dir.resolve("broker/journal"));
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxrwxrwx"));

        DataDirectoryPreparer.secure(dir);

        for (Path d : new Path[] {dir, db, journal, dir.resolve("broker")}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).as(d.toString())
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aNewDirectoryIsCreatedOwnerOnly() throws Exception {
        Path dir = Files.createTempDirectory("harbour-parent-").resolve("data");
        DataDirectoryPreparer.secure(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void aDirectoryThatCannotBeSecuredStopsTheStartWithTheReason() {
        // a path under a regular file can be neither created nor secured
        assertThatThrownBy(() -> DataDirectoryPreparer.secure(Path.of("/proc/self/status/data")))
                .hasMessageContaining("data directory");
    }
}
