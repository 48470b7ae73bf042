package org.harbour.routes.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The record encryption keys: key 1 (the configured or generated base key, which also keys the
 * search index's hashes) and any added since by {@code harbour keys rotate}, each with its number;
 * one of them is current (new ciphertexts use it), the others stay readable. Every ciphertext
 * names the key that sealed it ({@link RecordCipher}).
 *
 * <p>The added keys live in an owner-only file ({@code <data-dir>/keyring} unless
 * {@code harbour.records.keyring-file} names another), one line each:
 * <pre>
 * current=2
 * key.2=&lt;base64 of 32 random bytes&gt;
 * retired.1=2026-12-04T10:00:00Z
 * </pre>
 * A key is retired when the background pass has re-sealed every stored row under a newer one; it
 * stays in the ring, so backups and messages still on the broker remain readable.
 */
public final class Keyring {

    /** The number of the base key. */
    public static final int BASE = 1;

    private final Map<Integer, byte[]> keys;
    private final int current;
    private final Map<Integer, Instant> retired;

    private Keyring(Map<Integer, byte[]> keys, int current, Map<Integer, Instant> retired) {
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
        this.current = current;
        this.retired = Collections.unmodifiableMap(new TreeMap<>(retired));
        if (!this.keys.containsKey(current)) {
            throw new IllegalStateException("the keyring's current key " + current + " is not in it");
        }
        this.keys.forEach((id, key) -> {
            if (key.length != 32) {
                throw new IllegalStateException("record encryption key " + id + " must be 32 bytes (base64 of 32 random"
                        + " bytes), not " + key.length);
            }
        });
    }

    /**
     * Stands in for the base key when only the file is read or edited: key 1 is never written to
     * the file, so editing it needs no key material.
     */
    private static final byte[] NOT_READ = new byte[32];

    /** The keys the file holds (key 1 as a stand-in): for listing and editing, never for sealing. */
    public static Keyring inFile(Path file) {
        return load(NOT_READ, file);
    }

    /** A ring of the base key alone. */
    public static Keyring of(byte[] base) {
        return new Keyring(Map.of(BASE, base), BASE, Map.of());
    }

    /** The base key and what the keyring file adds (no file: the base key alone). */
    public static Keyring load(byte[] base, Path file) {
        if (file == null || !Files.exists(file)) {
            return of(base);
        }
        Map<Integer, byte[]> keys = new TreeMap<>();
        keys.put(BASE, base);
        Map<Integer, Instant> retired = new TreeMap<>();
        int current = BASE;
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new IllegalStateException("keyring file " + file + ": a line without '=' (not shown)");
                }
                String name = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (name.equals("current")) {
                    current = Integer.parseInt(value);
                } else if (name.startsWith("key.")) {
                    int id = Integer.parseInt(name.substring(4));
                    if (id == BASE) {
                        throw new IllegalStateException("keyring file " + file + " may not hold key 1 (the base key)");
                    }
                    keys.put(id, decode(value));
                } else if (name.startsWith("retired.")) {
                    retired.put(Integer.parseInt(name.substring(8)), Instant.parse(value));
                } else {
                    throw new IllegalStateException("keyring file " + file + ": unknown entry '" + name + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keyring file " + file, e);
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("keyring file " + file + " has an entry that is not a number or a time", e);
        }
        return new Keyring(keys, current, retired);
    }

    public static byte[] decode(String key) {
        String k = key.strip();
        return k.contains("-") || k.contains("_") ? Base64.getUrlDecoder().decode(k) : Base64.getDecoder().decode(k);
    }

    public int current() {
        return current;
    }

    public Map<Integer, byte[]> keys() {
        return keys;
    }

    public Map<Integer, Instant> retired() {
        return retired;
    }

    /**
     * What the file holds now, as a digest (null: no file), to tell whether to load it again: its
     * time alone is too coarse (two rotations within one clock tick look the same).
     */
    public static String changed(Path file) {
        try {
            if (file == null || !Files.exists(file)) {
                return null;
            }
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return null;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Adds a new random key to the keyring file and makes it current; returns its number. The
     * file is rewritten whole (owner-only), under a lock, so two rotations at once add two keys.
     */
    public static int rotate(Path file) {
        return edit(file, ring -> {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            int id = ring.keys.keySet().stream().mapToInt(Integer::intValue).max().orElse(BASE) + 1;
            Map<Integer, byte[]> keys = new TreeMap<>(ring.keys);
            keys.put(id, fresh);
            return new Keyring(keys, id, ring.retired);
        }).current;
    }

    /** Marks keys as retired (no stored row uses them any more) in the keyring file. */
    public static void retire(Path file, Iterable<Integer> ids, Instant at) {
        edit(file, ring -> {
            Map<Integer, Instant> retired = new TreeMap<>(ring.retired);
            for (Integer id : ids) {
                if (id != ring.current && ring.keys.containsKey(id)) {
                    retired.putIfAbsent(id, at);
                }
            }
            return new Keyring(ring.keys, ring.current, retired);
        });
    }

    private static Keyring edit(Path file, java.util.function.UnaryOperator<Keyring> change) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path lockFile = dir.resolve(file.getFileName() + ".lock");
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                Keyring changed = change.apply(inFile(file));
                Path temp = Files.createTempFile(dir, ".keyring", ".tmp", ownerOnly());
                try {
                    Files.writeString(temp, changed.fileText(), StandardCharsets.UTF_8);
                    try {
                        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(temp);
                }
                return changed;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keyring file " + file, e);
        }
    }

    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly() {
        try {
            return new java.nio.file.attribute.FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        } catch (UnsupportedOperationException e) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
    }

    private String fileText() {
        StringBuilder text = new StringBuilder("# Harbour keyring: record encryption keys added by 'harbour keys rotate'."
                + "\n# Secret: keep it owner-only, back it up apart from the data, never delete a key still in use.\n");
        text.append("current=").append(current).append('\n');
        keys.forEach((id, key) -> {
            if (id != BASE) {
                text.append("key.").append(id).append('=').append(Base64.getEncoder().encodeToString(key)).append('\n');
            }
        });
        retired.forEach((id, at) -> text.append("retired.").append(id).append('=').append(at).append('\n'));
        return text.toString();
    }

    /** The key with this number, if the ring has it. */
    public Optional<byte[]> key(int id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public String toString() {
        return "Keyring[keys=" + keys.keySet() + ", current=" + current + ", retired=" + retired.keySet() + "]";
    }
}
