#!/usr/bin/env bash
# Drives a running Granary with s3cmd: mb, a 12 MiB multipart put, ls, get, info, del, rb.
set -euo pipefail
hostport="${ENDPOINT#http://}"
S="s3cmd -c /dev/null --access_key=$AWS_ACCESS_KEY_ID --secret_key=$AWS_SECRET_ACCESS_KEY --host=$hostport --host-bucket=$hostport --no-ssl --region=us-east-1"
$S mb s3://s3cmd-bucket
head -c $((12 * 1024 * 1024 + 5)) /dev/urandom > "$WORK/s3cmd.bin"
$S put "$WORK/s3cmd.bin" "s3://s3cmd-bucket/dir/s3cmd.bin" --multipart-chunk-size-mb=5
# Output is captured first: with pipefail, grep -q closing the pipe early would fail s3cmd with EPIPE.
listing=$($S ls -r s3://s3cmd-bucket)
grep -q "dir/s3cmd.bin" <<< "$listing"
$S get "s3://s3cmd-bucket/dir/s3cmd.bin" "$WORK/s3cmd.back" --force
cmp "$WORK/s3cmd.bin" "$WORK/s3cmd.back"
info=$($S info "s3://s3cmd-bucket/dir/s3cmd.bin")
grep -q "File size: $((12 * 1024 * 1024 + 5))" <<< "$info"
$S del "s3://s3cmd-bucket/dir/s3cmd.bin"
$S rb s3://s3cmd-bucket
echo "s3cmd: OK"
