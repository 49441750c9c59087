"""Model registry benchmarks: register and load_model overheads beyond (de)serialisation.

Prints one JSON object.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    os.environ["MM_JUPYTER_HOME"] = tempfile.mkdtemp(prefix="mm-bench-models-")
    import joblib
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import GradientBoostingClassifier

    import mm_jupyter as mm

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    models = [
        GradientBoostingClassifier(n_estimators=20 + i, max_depth=2, random_state=0).fit(X, y)
        for i in range(20)
    ]
    mm.get_registry()
    register, dump, load, undump = [], [], [], []
    for i, model in enumerate(models):
        t = time.perf_counter()
        joblib.dump(model, io.BytesIO())
        dump.append(time.perf_counter() - t)
        t = time.perf_counter()
        mm.register_model(model, "bench-clf", alias="prod" if i == 0 else None)
        register.append(time.perf_counter() - t)
    mm.set_model_alias("bench-clf:20", "prod", move=True)
    path = tempfile.mktemp()
    joblib.dump(models[-1], path)
    for _ in range(20):
        t = time.perf_counter()
        joblib.load(path)
        undump.append(time.perf_counter() - t)
        t = time.perf_counter()
        mm.load_model("bench-clf@prod")
        load.append(time.perf_counter() - t)
    med = statistics.median
    print(json.dumps({
        "register_model_ms": round(med(register) * 1000, 3),
        "register_model_serialisation_ms": round(med(dump) * 1000, 3),
        "register_model_overhead_ms": round((med(register) - med(dump)) * 1000, 3),
        "load_model_by_alias_ms": round(med(load) * 1000, 3),
        "load_model_deserialisation_ms": round(med(undump) * 1000, 3),
        "load_model_overhead_ms": round((med(load) - med(undump)) * 1000, 3),
    }))


if __name__ == "__main__":
    main()
