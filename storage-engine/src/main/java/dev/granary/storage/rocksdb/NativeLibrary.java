package dev.granary.storage.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's JNI library from a copy kept in the data folder. RocksDB's own loader extracts the 15 MB
 * library to a new temporary file on every start (and leaves it behind after a kill -9); extracting it once
 * per library version into {@code <data>/native/} takes that off every later start.
 *
 * <p>The copy is native code the process will run, in a folder other programs may reach: before it is loaded,
 * its folders are made private to the server's user and its bytes are compared with the jar's entry, all of
 * them (a check of its size alone would load a replaced library of the same size). A copy that differs is
 * extracted again. Comparing costs a read of both, some tens of milliseconds, once per start.
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static volatile boolean loaded;

    private NativeLibrary() {}

    static synchronized void load(Path dataDir) {
        if (loaded) {
            return;
        }
        try {
            Path dir = extract(dataDir.resolve("native"));
            if (dir != null) {
                RocksDB.loadLibrary(List.of(dir.toString()));
                loaded = true;
                return;
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.debug("cached RocksDB library not usable, falling back to RocksDB's loader: {}", e.toString());
        }
        RocksDB.loadLibrary();
        loaded = true;
    }

    /**
     * Copies the platform's library out of the jar into a folder named after the jar entry's CRC and size, once.
     *
     * @return the folder holding it under the file name {@link RocksDB#loadLibrary(List)} looks for, or null
     *     when the library is not in a jar (then RocksDB's loader handles it)
     */
    private static Path extract(Path nativeRoot) throws IOException {
        String resource = Environment.getJniLibraryFileName("rocksdb");
        URL url = RocksDB.class.getClassLoader().getResource(resource);
        if (url == null) {
            return null;
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return null;
        }
        JarEntry entry = jar.getJarEntry();
        Path dir = nativeRoot.resolve(Long.toHexString(entry.getCrc()) + "-" + entry.getSize());
        // RocksDB.loadLibrary(paths) loads <path>/<getJniLibraryFileName("rocksdbjni")>.
        Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        makePrivate(nativeRoot);
        makePrivate(dir);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && Files.size(target) == entry.getSize()
                && sameBytes(jar, target)) {
            return dir;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("the cached RocksDB library {} differs from the jar's: extracting it again", target);
        }
        Path temp = Files.createTempFile(dir, "extract", ".tmp");
        try (InputStream in = jar.getInputStream()) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return dir;
    }

    /** Creates {@code dir} if need be and takes every permission from group and others, where POSIX allows. */
    private static void makePrivate(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Whether {@code file} holds exactly the bytes of the jar entry {@code jar} points at. */
    private static boolean sameBytes(JarURLConnection jar, Path file) throws IOException {
        byte[] expected = new byte[64 * 1024];
        byte[] actual = new byte[expected.length];
        try (InputStream a = jar.getJarFile().getInputStream(jar.getJarEntry());
                InputStream b = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                int n = a.readNBytes(expected, 0, expected.length);
                int m = b.readNBytes(actual, 0, actual.length);
                if (n != m || !Arrays.equals(expected, 0, n, actual, 0, m)) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
        }
    }
}
