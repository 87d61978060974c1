#!/usr/bin/env bash
# Drives a running Granary with s3cmd signing Signature Version 2 (--signature-v2): mb, a multipart put, ls, get,
# setacl --acl-public then an anonymous GET, signurl (a V2 presigned URL), a bucket policy, del, rb.
set -euo pipefail
hostport="${ENDPOINT#http://}"
S="s3cmd -c /dev/null --signature-v2 --access_key=$AWS_ACCESS_KEY_ID --secret_key=$AWS_SECRET_ACCESS_KEY --host=$hostport --host-bucket=$hostport --no-ssl --region=us-east-1"
$S mb s3://s3cmd-v2
head -c $((7 * 1024 * 1024 + 5)) /dev/urandom > "$WORK/v2.bin"
$S put "$WORK/v2.bin" "s3://s3cmd-v2/dir/v2.bin" --multipart-chunk-size-mb=5
listing=$($S ls -r s3://s3cmd-v2)
grep -q "dir/v2.bin" <<< "$listing"
$S get "s3://s3cmd-v2/dir/v2.bin" "$WORK/v2.back" --force
cmp "$WORK/v2.bin" "$WORK/v2.back"
# Anonymous reads: refused while private, served once public-read.
code=$(curl -s -o /dev/null -w '%{http_code}' "$ENDPOINT/s3cmd-v2/dir/v2.bin")
[ "$code" = 403 ] || { echo "anonymous GET of a private object answered $code"; exit 1; }
$S setacl --acl-public "s3://s3cmd-v2/dir/v2.bin"
curl -sf -o "$WORK/v2.anon" "$ENDPOINT/s3cmd-v2/dir/v2.bin"
cmp "$WORK/v2.bin" "$WORK/v2.anon"
$S setacl --acl-private "s3://s3cmd-v2/dir/v2.bin"
# A V2 presigned URL.
url=$($S signurl "s3://s3cmd-v2/dir/v2.bin" +300 | tail -1)
curl -sf -o "$WORK/v2.signed" "$url"
cmp "$WORK/v2.bin" "$WORK/v2.signed"
# A bucket policy through s3cmd.
cat > "$WORK/policy.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::s3cmd-v2/dir/*"}]}
JSON
$S setpolicy "$WORK/policy.json" s3://s3cmd-v2
curl -sf -o /dev/null "$ENDPOINT/s3cmd-v2/dir/v2.bin"
$S delpolicy s3://s3cmd-v2
$S del "s3://s3cmd-v2/dir/v2.bin"
$S rb s3://s3cmd-v2
echo "s3cmd v2: OK"
