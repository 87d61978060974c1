#!/usr/bin/env bash
# Drives a running Granary with the stock AWS CLI: mb, cp of a large file (multipart), ls, sync, presign, rm.
# Needs ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; WORK is a scratch folder.
set -euo pipefail
AWS="${AWS_CLI:-aws}"
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
unset AWS_CA_BUNDLE AWS_PROFILE || true
s3() { "$AWS" --endpoint-url "$ENDPOINT" s3 "$@"; }
s3api() { "$AWS" --endpoint-url "$ENDPOINT" s3api "$@"; }

B=cli-bucket
s3 mb "s3://$B"
buckets=$(s3 ls)
grep -q "$B" <<< "$buckets"

# 40 MiB random file: the CLI splits it into 8 MiB multipart parts.
head -c $((40 * 1024 * 1024 + 7)) /dev/urandom > "$WORK/big.bin"
s3 cp "$WORK/big.bin" "s3://$B/big/big.bin"
s3 cp "s3://$B/big/big.bin" "$WORK/big.back"
cmp "$WORK/big.bin" "$WORK/big.back"
etag=$(s3api head-object --bucket "$B" --key big/big.bin --query ETag --output text)
[[ "$etag" == *-* ]] || { echo "expected a multipart ETag, got $etag"; exit 1; }

mkdir -p "$WORK/tree/sub dir"
for i in 1 2 3; do echo "file $i" > "$WORK/tree/f$i.txt"; done
echo "nested" > "$WORK/tree/sub dir/ü n.txt"
s3 sync "$WORK/tree" "s3://$B/tree"
s3 ls --recursive "s3://$B/tree/" | tee "$WORK/ls.txt"
[[ $(wc -l < "$WORK/ls.txt") -eq 4 ]] || { echo "expected 4 synced objects"; exit 1; }
mkdir -p "$WORK/tree-back"
s3 sync "s3://$B/tree" "$WORK/tree-back"
diff -r "$WORK/tree" "$WORK/tree-back"

url=$("$AWS" --endpoint-url "$ENDPOINT" s3 presign "s3://$B/tree/f1.txt" --expires-in 300)
[[ "$(curl -sf "$url")" == "file 1" ]] || { echo "presigned GET failed"; exit 1; }

s3 rm --recursive "s3://$B/"
[[ -z "$(s3 ls --recursive "s3://$B/")" ]] || { echo "bucket not empty after rm"; exit 1; }
s3 rb "s3://$B"
echo "aws-cli: OK"
