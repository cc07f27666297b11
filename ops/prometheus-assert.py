#!/usr/bin/env python3
"""Asks a Prometheus server, through its HTTP API, until every target is up and the metrics
contract's series are there: prometheus-assert.py URL SECONDS. Prints what it found (or what is
missing when SECONDS run out) and exits 0 or 1. Used by ops/compose-check and ops/prometheus-check.

The required series, by scrape job: a name stands for its _total/_bucket/_count/_sum/_max series
too. Series that need an event first (dead letters, refused releases, swaps, retraining runs,
feedback, gate figures) are not required.
"""
import json
import sys
import time
import urllib.parse
import urllib.request

base, budget = sys.argv[1], int(sys.argv[2])
deadline = time.time() + max(budget, 10)
required = {
    "streams-app": ["modstream_comments_scored_total", "modstream_batch_size",
                    "modstream_scoring_latency_seconds", "modstream_end_to_end_delay_seconds",
                    "modstream_model_info", "modstream_model_loaded_timestamp_seconds",
                    "modstream_stalled_threads", "kafka_stream_.+", "kafka_consumer_.+",
                    "kafka_producer_.+", "jvm_.+"],
    "retraining-service": ["jvm_.+"],
}
def get(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)["data"]
problems = ["Prometheus did not answer"]
while time.time() < deadline:
    problems = []
    try:
        targets = get("/api/v1/targets")["activeTargets"]
        jobs = {t["labels"]["job"] for t in targets}
        for job in required:
            if job not in jobs:
                problems.append(f"no target of job {job}")
        for t in targets:
            if t["health"] != "up":
                problems.append(f"target {t['scrapeUrl']} is {t['health']}: {t.get('lastError', '')}")
        if not problems:
            for job, names in required.items():
                for name in names:
                    q = f'count({{__name__=~"{name}(_total|_bucket|_count|_sum|_max)?",job="{job}"}})'
                    if not get("/api/v1/query", query=q)["result"]:
                        problems.append(f"no series {name} from job {job}")
    except OSError as e:
        problems = [f"Prometheus did not answer: {e}"]
    if not problems:
        print(f"{len(targets)} targets up; every named series present")
        sys.exit(0)
    time.sleep(5)
print("; ".join(problems))
sys.exit(1)
