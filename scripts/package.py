#!/usr/bin/env python3
"""Derives both browser packages from the one manifest.json and extension/, and zips them.

Chromium: MV3 module service worker. Firefox: `background.scripts` with `type: module` (Firefox has no
extension service workers), the gecko settings, and no Chromium-only keys.
"""
import copy
import os
import json
import pathlib
import shutil
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(os.environ.get("DIGITUS_OUT", ROOT))
DIST = OUT / "dist"


def chromium(manifest):
    m = copy.deepcopy(manifest)
    m.pop("browser_specific_settings", None)
    return m


def firefox(manifest):
    m = copy.deepcopy(manifest)
    worker = m["background"]["service_worker"]
    m["background"] = {"scripts": [worker], "type": "module"}
    for script in m.get("content_scripts", []):
        script.pop("match_origin_as_fallback", None)
    return m


# npm code the extension ships, copied from node_modules at the version package-lock.json pins (no remote
# code in an extension): (package, file in the package, name in extension/vendor/).
VENDORED = [
    ("chart.js", "dist/chart.umd.min.js", "chart.umd.min.js"),
    ("chart.js", "LICENSE.md", "chart.js-LICENSE.md"),
]


def vendor(out):
    (out / "vendor").mkdir(exist_ok=True)
    for package_name, path, target in VENDORED:
        source = ROOT / "node_modules" / package_name / path
        if not source.exists():
            raise SystemExit(f"[package] {source} is missing: run scripts/setup.sh (npm ci)")
        shutil.copyfile(source, out / "vendor" / target)


def package(name, manifest):
    out = DIST / name
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ROOT / "extension", out)
    shutil.copytree(OUT / "build" / "pkg", out / "pkg")
    shutil.copytree(OUT / "build" / "icons", out / "icons", dirs_exist_ok=True)
    vendor(out)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    with zipfile.ZipFile(DIST / f"digitus-{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(out))
    print(f"[package] {out}/ and {DIST}/digitus-{name}.zip")


def main():
    manifest = json.loads((ROOT / "manifest.json").read_text())
    DIST.mkdir(exist_ok=True)
    package("chromium", chromium(manifest))
    package("firefox", firefox(manifest))


if __name__ == "__main__":
    main()
