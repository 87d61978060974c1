package dev.granary.api.http;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import io.undertow.server.HttpServerExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A body sent without a length (chunked transfer coding and no Content-Length: Alibaba Cloud's OSS SDKs send every
 * stream of unknown length, and every empty one, so) read to its end before the handler sees it, so that the handler
 * and the store get it with its length as any other. Up to {@link #IN_MEMORY} bytes stay in memory, more go to a
 * temporary file that is deleted when the exchange ends.
 */
final class SpooledBody {
    static final int IN_MEMORY = 1 << 20;
    /** The largest body spooled: S3's (and OSS's) largest single PUT, 5 GiB. */
    static final long MAX = 5L << 30;

    private SpooledBody() {}

    /**
     * {@code body} (of unknown length) with its length: read to its end, at most {@code max} bytes (more is
     * EntityTooLarge).
     */
    static RequestBody spool(HttpServerExchange exchange, RequestBody body, long max) throws IOException {
        InputStream in = body.stream();
        byte[] first = in.readNBytes(IN_MEMORY);
        if (first.length < IN_MEMORY) {
            return new RequestBody(new ByteArrayInputStream(first), first.length, body.checksums(), body.contentMd5());
        }
        Path file = Files.createTempFile("granary-body-", ".part");
        InputStream[] opened = new InputStream[1];
        exchange.addExchangeCompleteListener((done, next) -> {
            try {
                if (opened[0] != null) {
                    opened[0].close();
                }
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            } finally {
                next.proceed();
            }
        });
        long length = first.length;
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(first);
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                length += n;
                if (length > max) {
                    throw new S3Exception(S3Error.ENTITY_TOO_LARGE).with("MaxSizeAllowed", Long.toString(max));
                }
                out.write(buffer, 0, n);
            }
        }
        opened[0] = Files.newInputStream(file, StandardOpenOption.READ);
        return new RequestBody(opened[0], length, body.checksums(), body.contentMd5());
    }
}
