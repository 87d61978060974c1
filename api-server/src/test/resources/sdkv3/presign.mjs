// The AWS SDK for JavaScript v3 against Granary: presigned PUT (with the flexible checksum query parameters the
// SDK adds: x-amz-sdk-checksum-algorithm, x-amz-checksum-*), presigned GET, and the SDK's own signed calls.
// Prints "RESULT {json}" and exits 0 when every check passed.
import { createHash } from "node:crypto";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const endpoint = process.env.ENDPOINT;
const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY };
const base = { endpoint, region: "us-east-1", forcePathStyle: true, credentials };
const bucket = "sdkv3-presign";
const checks = [];

function bytes(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}
const sha = (b) => createHash("sha256").update(b).digest("hex");

async function presignedRoundTrip(name, clientConfig, putParams) {
  const s3 = new S3Client({ ...base, ...clientConfig });
  const body = bytes(200 * 1024 + 11, name.length);
  const key = `presigned/${name}.bin`;
  const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ...putParams }),
    { expiresIn: 300 });
  const query = [...new URL(putUrl).searchParams.keys()];
  const put = await fetch(putUrl, { method: "PUT", body });
  const putText = put.ok ? "" : await put.text();
  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
  const got = put.ok ? Buffer.from(await (await fetch(getUrl)).arrayBuffer()) : Buffer.alloc(0);
  const ok = put.ok && sha(got) === sha(body);
  checks.push({ name, ok, putStatus: put.status, putError: putText, query });
}

try {
  const s3 = new S3Client(base);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // The SDK's defaults: since 3.729 it computes a CRC32 for every PutObject and presigns it with the query.
  await presignedRoundTrip("defaults", {}, {});
  await presignedRoundTrip("crc32", {}, { ChecksumAlgorithm: "CRC32" });
  await presignedRoundTrip("sha256", {}, { ChecksumAlgorithm: "SHA256" });
  await presignedRoundTrip("when-required", { requestChecksumCalculation: "WHEN_REQUIRED" }, {});
  await presignedRoundTrip("content-type", {}, { ContentType: "application/octet-stream" });
  // Signed (not presigned) calls of the same SDK.
  const body = bytes(1024, 9);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "signed.bin", Body: body }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "signed.bin" }));
  checks.push({ name: "signed-put-head", ok: head.ContentLength === body.length });
  const result = { checks, failed: checks.filter((c) => !c.ok).map((c) => c.name) };
  console.log("RESULT " + JSON.stringify(result));
  process.exit(result.failed.length === 0 ? 0 : 1);
} catch (e) {
  console.log("RESULT " + JSON.stringify({ checks, fatal: String(e && e.stack || e) }));
  process.exit(2);
}
