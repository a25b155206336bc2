"""Makes N participants' packages from fewer synthetic histories: copies each zip written by
`digitus-research synth` under a new random participant id (descriptor and every row), so that a merge
benchmark of 10,000 participants needs only 1,000 histories computed. The rows, schemas and zip layout stay
the tool's own; only the id differs (the merge refuses a repeated id as a duplicate).

    python3 bench/research-relabel.py SRC_DIR DST_DIR N
"""
import secrets
import sys
import zipfile
from pathlib import Path

src, dst, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
sources = sorted(src.glob("*.zip"))
dst.mkdir(parents=True, exist_ok=True)
for i in range(n):
    with zipfile.ZipFile(sources[i % len(sources)]) as z:
        files = {name: z.read(name).decode() for name in z.namelist()}
    old = files["participant.csv"].splitlines()[1].split(",")[1]
    new = secrets.token_hex(16)
    with zipfile.ZipFile(dst / f"p{i:06d}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in sorted(files.items()):
            z.writestr(name, text.replace(old, new))
print(f"{n} packages in {dst}")
