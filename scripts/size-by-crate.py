#!/usr/bin/env python3
"""Sums `twiggy top -f csv` rows (stdin) by crate, so the size report says what each part of the module weighs.

A function counts for the crate its path starts with; generic code counts for the crate that defines it
(`alloc` holds the BTreeMap and Vec code instantiated for our types). Data segments and the module's own
sections stand apart.
"""
import csv
import re
import sys
from collections import Counter

STD = {"core", "alloc", "std", "str", "f64", "f32", "u64", "u32", "usize", "i64", "i32", "char", "T", "A", "__rustc"}
by_part = Counter()
total = 0
for row in csv.DictReader(sys.stdin):
    name, size = row["Name"], int(row["ShallowSize"])
    if name.startswith(("Σ", "... and")) or "subsection" in name or "custom section" in name:
        continue  # totals, and the names the shipped module does not carry
    total += size
    if name.startswith(("data[", "data segment")):
        part = "data segments (Public Suffix List, rule files, strings)"
    elif "section" in name or name.startswith(("export ", "import ", "elem", "table", "type[")):
        part = "wasm sections (imports, exports, types, tables)"
    elif name.startswith("js_sys::futures::future_to_promise"):
        part = "our async exports (handle_message, import/export steps) inlined into js_sys::future_to_promise"
    else:
        bare = re.sub(r"^[<&\s]*(?:(?:mut|dyn|impl)\s+)*", "", name)
        match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", bare)
        part = match.group(1) if match else "other"
        if part in STD:
            part = "Rust standard library (core, alloc, std; formatting, collections)"
        elif part == "code":
            part = "unnamed code"
    by_part[part] += size
print(f"Weight by part ({total} bytes, names excluded):")
print(f"{'bytes':>9}  {'share':>6}  part")
for part, size in by_part.most_common(40):
    print(f"{size:>9}  {100 * size / max(total, 1):5.1f}%  {part}")
