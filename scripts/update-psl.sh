#!/usr/bin/env bash
# Refreshes the Public Suffix List the core compiles in (data/psl/public_suffix_list.dat) and the list's own
# test cases (tests/fixtures/psl/test_psl.txt) from the PyPI package `publicsuffixlist`, which ships both
# (the machine reaches package registries only). Pin a release with PSL_PACKAGE_VERSION=1.1.2.20261023.
# Afterwards: `cargo test -p digitus --test psl` (compares with the `psl` crate; update that dev-dependency
# too if the lists drifted apart) and put the new VERSION line in README.md ("Sites and the Public Suffix List").
set -euo pipefail
cd "$(dirname "$0")/.."
spec=publicsuffixlist${PSL_PACKAGE_VERSION:+==$PSL_PACKAGE_VERSION}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: "$spec" -d "$tmp"
wheel=$(ls "$tmp"/publicsuffixlist-*.whl)
python3 - "$wheel" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    lst = z.read("publicsuffixlist/public_suffix_list.dat")
    cases = z.read("publicsuffixlist/test_psl.txt")
if b"// VERSION: " not in lst or b"===BEGIN ICANN DOMAINS===" not in lst:
    sys.exit("the package's list has no VERSION line or ICANN section: refusing it")
open("data/psl/public_suffix_list.dat", "wb").write(lst)
open("tests/fixtures/psl/test_psl.txt", "wb").write(cases)
PY
echo "from $(basename "$wheel"):"
grep -m2 -E '^// (VERSION|COMMIT):' data/psl/public_suffix_list.dat
