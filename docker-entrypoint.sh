#!/bin/sh
# Run the gate as the owner of the mounted reports folder, so a CI runner whose uid is not
# 1000 (GitHub's is 1001) can read, upload and delete what the container wrote. A folder Docker
# created for the mount (owned by root) is given to the image's `lens` user instead. Never runs
# the gate as root.
set -eu
reports="${LENS_REPORTS:-/src/reports}"
mkdir -p "$reports"
if [ "$(id -u)" = 0 ]; then
  uid=$(stat -c %u "$reports")
  gid=$(stat -c %g "$reports")
  if [ "$uid" = 0 ]; then
    uid=$(id -u lens)
    gid=$(id -g lens)
    chown "$uid:$gid" "$reports"
  fi
  exec setpriv --reuid="$uid" --regid="$gid" --clear-groups env HOME=/tmp "$@"
fi
exec "$@"
