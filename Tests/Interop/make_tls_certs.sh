#!/bin/sh
# Makes the certificates the TLS tests use, in the directory given (created if missing):
#   ca.pem/ca.key            a self-signed CA
#   server.pem/server.key    signed by the CA, for localhost and 127.0.0.1
#   expired.pem/expired.key  signed by the CA, for localhost, valid only in 2020
#   wronghost.pem/.key       signed by the CA, for wrong.example only
#   rogue-ca.pem, rogue.pem/rogue.key   a second CA nobody trusts, and a localhost cert from it
#   client.pem/client.key    signed by the CA, for client authentication
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }

make_ca() { # name subject
  quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -out "$1.pem" -days 2 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

make_leaf() { # name ca subjectAltName [extra openssl ca options...]
  name="$1"; issuer="$2"; san="$3"; shift 3
  quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" \
    -out "$name.csr" -subj "/CN=$name"
  printf 'basicConstraints=CA:FALSE\nsubjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$san" >"$name.ext"
  mkdir -p "db-$issuer"
  : >"db-$issuer/index.txt"
  [ -f "db-$issuer/serial" ] || echo 1000 >"db-$issuer/serial"
  cat >"$name.cnf" <<CNF
[ca]
default_ca = local
[local]
database = db-$issuer/index.txt
serial = db-$issuer/serial
new_certs_dir = db-$issuer
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
CNF
  quiet openssl ca -batch -config "$name.cnf" -cert "$issuer.pem" -keyfile "$issuer.key" \
    -in "$name.csr" -out "$name.pem" -extfile "$name.ext" -notext "$@"
}

make_ca ca "Eddy Test CA"
make_ca rogue-ca "Eddy Rogue CA"
make_leaf server ca "DNS:localhost,IP:127.0.0.1" -days 2
make_leaf expired ca "DNS:localhost,IP:127.0.0.1" -startdate 20200101000000Z -enddate 20200102000000Z
make_leaf wronghost ca "DNS:wrong.example" -days 2
make_leaf rogue rogue-ca "DNS:localhost,IP:127.0.0.1" -days 2
make_leaf client ca "DNS:client.example" -days 2
