#!/bin/sh
# Makes the certificates of the inner network of compose.yaml (README, "Running it in production"):
# a private certificate authority, made once, and for each NAME given a certificate it signs for that
# host name, so that Lintas checks whom it talks to (the database, the mail relay) and encrypts it.
#   deploy/make-certs.sh secrets db mail lintas
# writes secrets/internal-ca.crt and .key, and secrets/NAME.crt and .key for each NAME. The folder is
# the host's wall (mode 0700): Compose mounts each file into its container as it is on the host, and
# the containers read them as users of their own (postgres, postfix, node), so the hosts' keys are
# mode 0644 in it; the authority's key, which no container reads, stays 0600.
# Run it again with the same folder to renew the hosts' certificates (825 days) under the same authority.
# Keep secrets/internal-ca.key off the servers once the certificates are made: only a renewal needs it.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 FOLDER NAME..." >&2
  exit 2
fi
dir="$1"
shift
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"
if [ ! -f "$dir/internal-ca.key" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 3650 \
    -subj "/CN=Lintas internal authority" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/internal-ca.key" -out "$dir/internal-ca.crt" 2>/dev/null
fi
for name in "$@"; do
  case "$name" in
    *[!A-Za-z0-9.-]* | '' | -*) echo "$0: not a host name: $name" >&2; exit 2 ;;
  esac
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$name" > "$dir/$name.ext"
  openssl x509 -req -sha256 -days 825 -in "$dir/$name.csr" -CA "$dir/internal-ca.crt" -CAkey "$dir/internal-ca.key" \
    -CAcreateserial -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
done
chmod 0644 "$dir/internal-ca.crt"
for name in "$@"; do chmod 0644 "$dir/$name.crt" "$dir/$name.key"; done
echo "made in $dir: internal-ca.crt$(for name in "$@"; do printf ', %s.crt and .key' "$name"; done)"
