package dev.granary.storage.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
            return dir;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "extract", ".tmp");
        try (InputStream in = jar.getInputStream()) {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        return dir;
    }
}
