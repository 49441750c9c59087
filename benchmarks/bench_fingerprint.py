"""Fingerprints and profiles of fit() inputs (issue 13, items 4 and 5): their cost.

Measured, as medians over repeated calls (after one warm-up):

- ``fingerprint_frame_ms``: a 100 MB DataFrame (1,300,000 rows: 10 float64 columns,
  an int64 and a string column); ``fingerprint_ndarray_ms``: a 100 MB float64 array
  (1,300,000 x 10) and ``fingerprint_ndarray_f_ms`` the same in Fortran order (what
  ``df.to_numpy()`` gives); ``fingerprint_wide_frame_ms``: 100 MB as 10,000 x 1,250
  columns. Target: at most 50 ms each (``fingerprint_target_ms``).
- ``fingerprint_small_ms``: 10,000 x 20 (the LogisticRegression fit of the autolog
  benchmark), ``profile_small_ms`` its profile.
- ``profile_frame_ms``: the profile of the 100 MB frame (50,000 sampled rows).
- ``record_fit_inputs_new_ms``: recording X (10,000 x 20) and y as new fingerprint-only
  versions (fingerprint, lookup, profile, write), and ``record_fit_inputs_known_ms``
  the same data again (fingerprint, lookup, one lineage edge), in a fresh SQLite
  registry; ``lookup_with_versions_ms``: the lookup of new data alone with
  ``lookup_versions`` dataset versions (each with a 20-column profile) in the registry:
  their metadata is scanned twice (fingerprint, then a column digest; there is no index
  on a JSON field). Known fingerprint-only data is found by the digest index.

Prints one JSON object. Run through ``make bench`` (benchmarks/run_all.py).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from typing import Any

from timing import median_ms  # the benchmarks' one timing rule (benchmarks/timing.py)

TARGET_MS = 50.0  # issue 13: a 100 MB input fingerprinted in at most 50 ms
ROWS = 1_300_000  # x 10 float64 columns: 104 MB
LOOKUP_VERSIONS = 2_000


def data() -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"f{i}": rng.random(ROWS) for i in range(10)})
    frame["count"] = rng.integers(0, 1000, ROWS)
    frame["plan"] = rng.choice(["basic", "pro", "team"], ROWS)
    array = rng.random((ROWS, 10))
    return {
        "frame": frame,
        "array": array,
        "array_f": np.asfortranarray(array),
        "wide": pd.DataFrame(rng.random((10_000, 1_250))),
        "small": pd.DataFrame(rng.random((10_000, 20)), columns=[f"x{i}" for i in range(20)]),
        "labels": rng.integers(0, 2, 10_000),
    }


def record_costs(made: dict[str, Any]) -> dict[str, float]:
    """record_fit_inputs in a fresh registry: new data, known data, and the lookup among
    many dataset versions."""
    from mm_jupyter.capture.fingerprint import fingerprint
    from mm_jupyter.services.runs import fit_inputs
    from mm_jupyter.store import artifacts as store
    from mm_jupyter.store import open_registry, runs

    folder = tempfile.mkdtemp(prefix="mm-bench-fp-")
    registry = open_registry(folder)
    run_id = runs.new_run_id()
    runs.create_run(registry, runs.NewRun(id=run_id, name="fit", experiment="bench",
                                          started_at=runs.iso_now()))
    small, labels = made["small"], made["labels"]
    new_times = []
    for i in range(7):  # new data each time: a column that differs
        X = small.assign(x0=small["x0"] + i)
        start = time.perf_counter()
        fit_inputs.record_fit_inputs(registry, run_id, {"X_train": X, "y_train": labels + i})
        new_times.append((time.perf_counter() - start) * 1000)
    X = small.assign(x0=small["x0"] + 1)
    known = median_ms(
        lambda: fit_inputs.record_fit_inputs(registry, run_id, {"X_train": X, "y_train": labels + 1}),
        9,
    )
    profile = made["small_profile"]
    for i in range(LOOKUP_VERSIONS):
        digest = f"{i:064x}"
        store.add_version(registry, store.NewVersion(
            name=f"data-{i % 50}", kind="dataset", digest=digest, size=0,
            media_type="application/vnd.mm-jupyter.fingerprint", format="fingerprint",
            file_name="", facts={"fingerprint": digest, "profile": profile,
                                 "column_digests": {f"x{j}": f"{i:028x}{j:04x}" for j in range(20)}},
            stored=False))
    unknown = fingerprint(small.assign(x1=small["x1"] * 2))  # new data: both scans run
    lookup = median_ms(lambda: fit_inputs.matching_version(registry, unknown), 9)
    registry.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "record_fit_inputs_new_ms": round(statistics.median(new_times), 3),
        "record_fit_inputs_known_ms": known,
        "lookup_with_versions_ms": lookup,
        "lookup_versions": LOOKUP_VERSIONS,
    }


def main() -> None:
    os.environ.setdefault("MM_JUPYTER_HOME", tempfile.mkdtemp(prefix="mm-bench-fp-home-"))
    from mm_jupyter.capture.fingerprint import fingerprint
    from mm_jupyter.capture.profile import profile

    made = data()
    made["small_profile"] = profile(made["small"])
    sizes = {k: round(made[k].nbytes / 1e6, 1) if hasattr(made[k], "nbytes")
             else round(float(made[k].memory_usage(index=False).sum()) / 1e6, 1)
             for k in ("frame", "array", "wide")}
    result = {
        "fingerprint_frame_ms": median_ms(lambda: fingerprint(made["frame"]), 9),
        "fingerprint_ndarray_ms": median_ms(lambda: fingerprint(made["array"]), 9),
        "fingerprint_ndarray_f_ms": median_ms(lambda: fingerprint(made["array_f"]), 9),
        "fingerprint_wide_frame_ms": median_ms(lambda: fingerprint(made["wide"]), 9),
        "fingerprint_small_ms": median_ms(lambda: fingerprint(made["small"]), 21),
        "profile_small_ms": median_ms(lambda: profile(made["small"]), 21),
        "profile_frame_ms": median_ms(lambda: profile(made["frame"]), 5),
        "sizes_mb": sizes,
        "fingerprint_target_ms": TARGET_MS,
    }
    result.update(record_costs(made))
    worst = max(result[k] for k in ("fingerprint_frame_ms", "fingerprint_ndarray_ms",
                                    "fingerprint_ndarray_f_ms", "fingerprint_wide_frame_ms"))
    result["fingerprint_within_target"] = worst <= TARGET_MS
    print(json.dumps(result))


if __name__ == "__main__":
    main()
