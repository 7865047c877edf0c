"""How much does checking every cell of the DfE KS4 destinations file cost over just reading it?

Run: .venv/bin/python benchmarks/destinations_load.py [path to england_ks4-pupdest.csv] [runs]
Prints the median of several runs for (a) csv.DictReader reading the whole file with no parsing,
the floor, and (b) load_destinations (decode, detect the shape, parse and check every value
cell) followed by one school's figures beside its LA and England, and their ratio, all in this
one process.

Run: .venv/bin/python benchmarks/destinations_load.py --long [N]   (N defaults to 1,400,000)
Writes a file of N rows in the newest Explore Education Statistics long layout (every school
with three years, six pupil groups and twelve destinations, plus LA and England rows) to a
temporary folder, then, each in a process of its own so its peak memory is its own, (a) reads
one school from it with load_destinations(path, urn=...), as the impact page does (the file
is streamed), and (b) reads it whole with a
plain pandas.read_csv; prints `one school from N rows: X s, Y MiB` for (a), the same for (b),
and their ratios.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from careers_review.evidence import load_destinations

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/dfe/england_ks4-pupdest.csv"
URN = "137181"


def _floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    elapsed = time.perf_counter() - start
    assert rows
    return elapsed


def _load_and_answer(path: Path) -> float:
    start = time.perf_counter()
    school = load_destinations(path).school(URN)
    elapsed = time.perf_counter() - start
    assert school.sustained.value is not None
    return elapsed


def main(path: Path = DEFAULT, runs: int = 5) -> None:
    if not path.is_file():
        sys.exit(f"{path}: not found (pass the path to england_ks4-pupdest.csv)")
    _floor(path), _load_and_answer(path)  # warm the file cache and imports
    floor = [_floor(path) for _ in range(runs)]
    loads = [_load_and_answer(path) for _ in range(runs)]
    a, b = statistics.median(floor) * 1000, statistics.median(loads) * 1000
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), runs: {runs}")
    print(f"(a) csv.DictReader, whole file, no parsing: {a:.1f} ms median")
    print(f"(b) load_destinations + school({URN}):    {b:.1f} ms median")
    print(f"ratio b/a: {b / a:.2f}")


#: The columns of the newest EES "Key stage 4 leavers destinations" file, in its order.
LONG_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,pcon_code,pcon_name,lad_code,lad_name,"
    "local_authority_selection_status,school_laestab,school_urn,school_name,admission_policy,"
    "entry_gender,establishment_type_group,establishment_type,sex,ethnicity_major,"
    "ethnicity_minor,disadvantage_status,breakdown_topic,breakdown,version,institution_count,"
    "cohort_count,destination_group,destination_description,pupil_count,pupil_percent"
)
LONG_PERIODS = ("202021", "202122", "202223")
#: (breakdown_topic, breakdown, sex, ethnicity_major, disadvantage_status)
LONG_BREAKDOWNS = (
    ("Total", "Total", "Total", "Total", "Total"),
    ("Disadvantage status", "Disadvantaged", "Total", "Total", "Disadvantaged"),
    ("Disadvantage status", "Not disadvantaged", "Total", "Total", "Not disadvantaged"),
    ("Sex", "Female", "Female", "Total", "Total"),
    ("Sex", "Male", "Male", "Total", "Total"),
    ("Ethnicity major", "White", "Total", "White", "Total"),
)
#: (destination_group, destination_description, share of the cohort in tenths of a percent)
LONG_DESTINATIONS = (
    ("Overall destination", "Sustained education, employment & apprenticeships", 940),
    ("Headline destinations", "Sustained education destination", 870),
    ("Headline destinations", "Sustained apprenticeship destination", 40),
    ("Headline destinations", "Sustained employment destination", 30),
    ("Headline destinations", "Not recorded as a sustained destination", 50),
    ("Headline destinations", "Activity not captured", 10),
    ("Education destinations", "Further education", 380),
    ("Education destinations", "School sixth form", 360),
    ("Education destinations", "Sixth form college", 120),
    ("Education destinations", "Other education destinations", 10),
    ("Apprenticeship destinations", "Intermediate apprenticeships (level 2)", 25),
    ("Apprenticeship destinations", "Advanced and Higher apprenticeships (level 3 and above)", 15),
)
LONG_URN = "137181"
LONG_LAS = 152
SCHOOL_ROWS = len(LONG_PERIODS) * len(LONG_BREAKDOWNS) * len(LONG_DESTINATIONS)


def long_cohort(school: int, period: int, breakdown: int) -> int:
    """The cohort the generator gives a school's group in a year (LA and England: bigger)."""
    base = 60 + (school * 37 + period * 11) % 240
    return (base, base // 4, base - base // 4, base // 2, base - base // 2, base * 3 // 4)[
        breakdown
    ]


def long_figure(cohort: int, share: int) -> tuple[str, str]:
    """(pupil_count, pupil_percent) as the DfE writes them, suppressing small numbers."""
    count = cohort * share // 1000
    if cohort < 6:
        return "c", "c"
    if count == 0:
        return "0", "0" if share == 0 else "low"
    return str(count), f"{100 * count / cohort:.1f}"


def long_las(rows: int) -> int:
    """How many local authorities a file of `rows` rows has: England's 152 at full size,
    fewer in a small file so that most of it is still school rows."""
    return max(1, min(LONG_LAS, rows // (10 * SCHOOL_ROWS)))


def _cell(text: str) -> str:
    return f'"{text}"' if "," in text else text


def write_long_file(path: Path, rows: int, urn: str = LONG_URN) -> int:
    """A file of about `rows` rows in the real long layout; the school `urn` is in it. Returns
    the number of rows written."""
    las = long_las(rows)
    areas = (las + 2) * SCHOOL_ROWS
    schools = max(1, (rows - areas) // SCHOOL_ROWS)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(LONG_HEADER + "\r\n")

        def block(prefix: str, school: int, scale: int) -> None:
            nonlocal written
            lines = []
            for p, period in enumerate(LONG_PERIODS):
                for b, (topic, breakdown, sex, ethnicity, dis) in enumerate(LONG_BREAKDOWNS):
                    cohort = long_cohort(school, p, b) * scale
                    head = (
                        f"{period},Academic year,{prefix},{sex},{ethnicity},Total,{dis},"
                        f"{topic},{breakdown},Revised,z,{cohort},"
                    )
                    for group, description, share in LONG_DESTINATIONS:
                        count, percent = long_figure(cohort, share)
                        lines.append(f"{head}{group},{_cell(description)},{count},{percent}\r\n")
            out.write("".join(lines))
            written += len(lines)

        for number in range(schools):
            la = 201 + number % las
            school_urn = urn if number == schools // 2 else str(100000 + number)
            block(
                f"School,E92000001,England,E12000004,East Midlands,{la},E0600{la:04d},"
                f"Authority {la},,,,,Not applicable,{la}{4000 + number % 1000},{school_urn},"
                f"School number {number} Academy,Non-selective,Mixed,"
                "State-funded mainstream schools,Academy converter",
                number,
                1,
            )
        for la in range(201, 201 + las):
            block(
                f"Local authority,E92000001,England,E12000004,East Midlands,{la},"
                f"E0600{la:04d},Authority {la},,,,,Not applicable,,,,,,Total,Total",
                la,
                40,
            )
        for group in ("State-funded mainstream schools", "Total"):
            block(f"National,E92000001,England,,,,,,,,,,,,,,,,{group},Total", 0, 5000)
    return written


def _peak_mib() -> float:
    """This process's peak resident memory (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    used = os.times()
    return used.user + used.system


def _child(mode: str, path: Path, urn: str) -> None:
    """One measurement in this process (its modules already imported, as in a running
    page); prints seconds and peak MiB as JSON."""
    if mode == "filtered":
        from careers_review.evidence import load_destinations

        start, cpu_before = time.perf_counter(), _cpu()
        data = load_destinations(path, urn=urn)  # streamed: the file is over 32 MiB
        school = data.school(urn)
        assert data.filtered and school.sustained.value is not None
        assert school.local_authority is not None and school.england is not None
        detail = {"sustained": school.sustained.value, "year": school.year_label}
    else:
        import pandas as pd

        start, cpu_before = time.perf_counter(), _cpu()
        frame = pd.read_csv(path)
        detail = {"rows": len(frame)}
    elapsed = time.perf_counter() - start
    cpu = _cpu() - cpu_before
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "mib": _peak_mib(), **detail}))


def _measure(mode: str, path: Path, urn: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), urn],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main_long(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ks4_leavers_destinations.csv"
        start = time.perf_counter()
        written = write_long_file(path, rows)
        made = time.perf_counter() - start
        size = path.stat().st_size / 2**20
        print(f"file: {written:,} rows, {size:.0f} MiB, written in {made:.1f} s")
        _measure("filtered", path, LONG_URN)  # warm the file cache
        a = _measure("filtered", path, LONG_URN)
        b = _measure("pandas", path, LONG_URN)
        print(f"one school from {written} rows: {a['seconds']:.2f} s, {a['mib']:.0f} MiB")
        print(f"pandas.read_csv of the same file: {b['seconds']:.2f} s, {b['mib']:.0f} MiB")
        print(
            f"ratio one school / pandas: time {a['seconds'] / b['seconds']:.2f}, "
            f"memory {a['mib'] / b['mib']:.2f}"
        )
        # On a shared machine the clock counts other processes' turns too; CPU time does not.
        print(
            f"CPU time: one school {a['cpu']:.2f} s, pandas.read_csv {b['cpu']:.2f} s; "
            f"machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--long":
        main_long(int(sys.argv[2]) if len(sys.argv) > 2 else 1_400_000)
    else:
        main(
            Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT,
            int(sys.argv[2]) if len(sys.argv) > 2 else 5,
        )
