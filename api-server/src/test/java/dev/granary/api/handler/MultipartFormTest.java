package dev.granary.api.handler;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming multipart/form-data reader, fed in pieces of every size so boundaries fall across reads. */
class MultipartFormTest {
    private static final String BOUNDARY = "XyZ123";

    private static byte[] body(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n"
                        + "a/${filename}\r\n--" + BOUNDARY + "  \r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"
                        + "\r\n--" + BOUNDARY
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"we;ird \\\"name\\\".txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\n")
                .getBytes(UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nz\r\n--"
                        + BOUNDARY + "--\r\nepilogue")
                .getBytes(UTF_8));
        return out.toByteArray();
    }

    /** Yields at most {@code piece} bytes per read. */
    private static InputStream trickle(byte[] bytes, int piece) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, piece));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13, 4096, 1 << 20})
    void readsFieldsAndStreamsTheFileWhateverTheReadSizes(int piece) throws IOException {
        byte[] file = new byte[200_000];
        new Random(piece).nextBytes(file);
        // Near-boundaries inside the file must not end it.
        byte[] nearMiss = ("\r\n--" + BOUNDARY.substring(0, 5) + "\r\n--").getBytes(UTF_8);
        System.arraycopy(nearMiss, 0, file, 1000, nearMiss.length);

        MultipartForm form = new MultipartForm(trickle(body(file), piece), BOUNDARY);

        MultipartForm.Part key = form.next();
        assertThat(key.name()).isEqualTo("key");
        assertThat(form.text(100)).isEqualTo("a/${filename}");
        MultipartForm.Part x = form.next();
        assertThat(x.name()).isEqualTo("x");
        assertThat(form.text(100)).isEmpty();
        MultipartForm.Part f = form.next();
        assertThat(f.name()).isEqualTo("file");
        assertThat(f.filename()).isEqualTo("we;ird \"name\".txt");
        assertThat(f.headers()).containsEntry("content-type", "text/plain");
        assertThat(form.content().readAllBytes()).isEqualTo(file);
        assertThat(form.next().name()).isEqualTo("after");
        assertThat(form.next()).isNull();
        assertThat(form.next()).isNull();
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        MultipartForm form = new MultipartForm(new ByteArrayInputStream(body(new byte[10])), BOUNDARY);

        assertThat(form.next().name()).isEqualTo("key");
        assertThat(form.next().name()).isEqualTo("x");
        assertThat(form.next().name()).isEqualTo("file");
        assertThat(form.next().name()).isEqualTo("after");
    }

    @Test
    void textLongerThanTheLimitIsNull() throws IOException {
        MultipartForm form = new MultipartForm(new ByteArrayInputStream(body(new byte[10])), BOUNDARY);
        form.next();

        assertThat(form.text(5)).isNull();
    }

    @Test
    void truncatedBodyIsMalformed() throws IOException {
        byte[] whole = body(new byte[1000]);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 600);
        MultipartForm form = new MultipartForm(new ByteArrayInputStream(cut), BOUNDARY);
        form.next();
        form.next();
        form.next();

        assertThatThrownBy(() -> form.content().readAllBytes()).isInstanceOf(MultipartForm.MalformedException.class);
    }

    @Test
    void boundaryComesFromAMultipartFormDataContentType() {
        assertThat(MultipartForm.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartForm.boundary("Multipart/Form-Data;charset=utf-8; boundary=\"a b\""))
                .isEqualTo("a b");
        assertThat(MultipartForm.boundary("multipart/mixed; boundary=abc")).isNull();
        assertThat(MultipartForm.boundary("multipart/form-data")).isNull();
        assertThat(MultipartForm.boundary(null)).isNull();
        // Found by fuzzing: a type of separators only was an ArrayIndexOutOfBoundsException (a 500 to a POST).
        assertThat(MultipartForm.boundary(";")).isNull();
        assertThat(MultipartForm.boundary(";\n")).isNull();
    }
}
