package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import java.util.regex.Pattern;

/** AWS's general-purpose bucket naming rules. */
final class BucketNames {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private BucketNames() {}

    static void check(String name) {
        if (!SHAPE.matcher(name).matches()
                || name.contains("..")
                || name.contains(".-")
                || name.contains("-.")
                || IP_ADDRESS.matcher(name).matches()
                || name.startsWith("xn--")
                || name.startsWith("sthree-")
                || name.startsWith("amzn-s3-demo-")
                || name.endsWith("-s3alias")
                || name.endsWith("--ol-s3")
                || name.endsWith(".mrap")
                || name.endsWith("--x-s3")) {
            throw new S3Exception(S3Error.INVALID_BUCKET_NAME).with("BucketName", name);
        }
    }
}
