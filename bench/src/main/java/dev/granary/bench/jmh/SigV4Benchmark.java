package dev.granary.bench.jmh;

import dev.granary.auth.AuthResult;
import dev.granary.auth.Credentials;
import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.SignableRequest;
import dev.granary.auth.StaticCredentialStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SigV4 header authentication of one GetObject request as an SDK signs it (host, x-amz-content-sha256,
 * x-amz-date and a few more headers), in microseconds per request:
 *
 * <ul>
 *   <li>{@code verify}: {@link SigV4Verifier#verify}: parse the Authorization header, look up the key, check the
 *       clock skew, canonicalize, hash and compare the signature (the signing key is cached, as in the server);
 *   <li>{@code sign}: {@link SigV4Signer#sign}, what the load driver pays per request;
 *   <li>{@code crypto-floor} (baseline): the cryptography either cannot avoid: SHA-256 of the same canonical
 *       request bytes and one HMAC-SHA256 of the string to sign with an already derived key.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SigV4Benchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SigV4Benchmark {
    private static final String REGION = "us-east-1";
    private static final Instant TIME = Instant.parse("2026-01-15T12:30:00Z");
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Param({"verify", "sign", "crypto-floor"})
    public String path;

    private SigV4Verifier verifier;
    private SigV4Signer signer;
    private SignableRequest unsigned;
    private SignableRequest signed;
    private byte[] canonicalRequest;
    private byte[] stringToSignPrefix;
    private MessageDigest sha256;
    private Mac hmac;

    @Setup
    public void setUp() throws GeneralSecurityException {
        Credentials credentials = new Credentials("AKIDBENCHMARK", "secret/benchmark/key", "1", "bench", true);
        verifier = new SigV4Verifier(StaticCredentialStore.of(credentials), REGION, Clock.fixed(TIME, ZoneOffset.UTC));
        signer = new SigV4Signer(credentials.accessKey(), credentials.secretKey(), REGION);
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:9000"));
        headers.put("amz-sdk-invocation-id", List.of("3f1c2a4e-8d6b-4b7e-9c0d-5e2f1a3b4c5d"));
        headers.put("amz-sdk-request", List.of("attempt=1; max=3"));
        headers.put("user-agent", List.of("aws-sdk-java/2.57.8 md/io#sync md/http#Apache ua/2.1 os/Linux"));
        unsigned = new SignableRequest("GET", "/photos/2026/01/img_0001.jpg", "", headers);
        signed = signer.sign(unsigned, EMPTY_SHA256, TIME);
        if (verifier.verify(signed).isAnonymous()) {
            throw new IllegalStateException("the benchmark request must authenticate");
        }
        // The baseline hashes bytes of the same length as the canonical request and the string to sign.
        StringBuilder canonical = new StringBuilder("GET\n/photos/2026/01/img_0001.jpg\n\n");
        signed.headers().forEach((name, values) -> {
            if (!name.equals("authorization")) {
                canonical.append(name).append(':').append(values.get(0)).append('\n');
            }
        });
        canonical
                .append('\n')
                .append(String.join(";", signed.headers().keySet()))
                .append('\n')
                .append(EMPTY_SHA256);
        canonicalRequest = canonical.toString().getBytes(StandardCharsets.UTF_8);
        stringToSignPrefix = "AWS4-HMAC-SHA256\n20260115T123000Z\n20260115/us-east-1/s3/aws4_request\n"
                .getBytes(StandardCharsets.UTF_8);
        sha256 = MessageDigest.getInstance("SHA-256");
        hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    }

    /** One request through the chosen path. */
    @Benchmark
    public Object authenticate() {
        return switch (path) {
            case "verify" -> verify();
            case "sign" -> signer.sign(unsigned, EMPTY_SHA256, TIME);
            default -> cryptoFloor();
        };
    }

    private AuthResult verify() {
        return verifier.verify(signed);
    }

    private String cryptoFloor() {
        String canonicalHash = HexFormat.of().formatHex(sha256.digest(canonicalRequest));
        hmac.update(stringToSignPrefix);
        hmac.update(canonicalHash.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(hmac.doFinal());
    }
}
