package dev.granary.api.admin;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's files, built into the jar under {@code console/} and served by the admin port at {@code /} and
 * {@code /console/}: plain ES modules and CSS, no build step. Every answer carries a strict Content-Security-Policy
 * (scripts, styles and fetches from this origin only, fetches also to the S3 port of the same host; no inline script,
 * no framing, no forms posted anywhere), and the files are read once and kept.
 */
final class ConsoleAssets {
    static final String PREFIX = "/console/";

    /** File names only: no directory, no dot-dot. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css)");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private static final Map<String, Asset> CACHE = new ConcurrentHashMap<>();

    /** A console file and its content type. */
    record Asset(String contentType, String text) {}

    private ConsoleAssets() {}

    /** The file at {@code path} ({@code /console/<name>}), or null when there is none. */
    static Asset find(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String name = path.substring(PREFIX.length());
        if (!NAME.matcher(name).matches()) {
            return null;
        }
        Asset cached = CACHE.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                return null;
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            Asset asset = new Asset(TYPES.get(extension), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            CACHE.put(name, asset);
            return asset;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The headers that confine the console's pages: its scripts may fetch only this origin and the S3 API of the same
     * host ({@code s3Port}), run no inline code, and be framed by nobody.
     */
    static void secure(HeaderMap headers, String scheme, String host, int s3Port) {
        String hostname = host == null
                ? "127.0.0.1"
                : host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
        String s3 = scheme + "://" + hostname + ":" + s3Port;
        headers.put(
                new HttpString("Content-Security-Policy"),
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
                        + s3 + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        headers.put(new HttpString("X-Content-Type-Options"), "nosniff");
        headers.put(new HttpString("X-Frame-Options"), "DENY");
        headers.put(new HttpString("Referrer-Policy"), "no-referrer");
        headers.put(new HttpString("Cache-Control"), "no-cache");
    }
}
