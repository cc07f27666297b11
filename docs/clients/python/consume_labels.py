#!/usr/bin/env python3
"""Prints label events as JSON lines, whichever output.format the app writes (json, or registry
with REGISTRY_URL): consume_labels.py BOOTSTRAP [TOPIC] [REGISTRY_URL] [--until N] [--prefix P]

Stops after N events whose comment_id starts with P (default: runs until Ctrl-C). Reads
committed events only, as the app writes them in Kafka transactions.
"""
import argparse
import io
import json
import uuid

import avro.io
import avro.schema
from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient

args = argparse.ArgumentParser()
args.add_argument("bootstrap")
args.add_argument("topic", nargs="?", default="comment-labels")
args.add_argument("registry_url", nargs="?")
args.add_argument("--until", type=int, default=0)
args.add_argument("--prefix", default="")
args.add_argument("--timeout", type=float, default=120.0)
a = args.parse_args()

registry = SchemaRegistryClient({"url": a.registry_url}) if a.registry_url else None
readers = {}


def decode(value):
    if value[:1] == b"{":
        return json.loads(value)
    if value[:1] == b"\x00" and registry is not None:
        schema_id = int.from_bytes(value[1:5], "big")
        if schema_id not in readers:
            schema = avro.schema.parse(registry.get_schema(schema_id).schema_str)
            readers[schema_id] = avro.io.DatumReader(schema)
        event = readers[schema_id].read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))
        event["decided_at"] = int(event["decided_at"].timestamp() * 1000)
        return event
    raise ValueError(f"cannot read an event starting with {value[:1].hex()}: pass REGISTRY_URL")


consumer = Consumer({"bootstrap.servers": a.bootstrap, "group.id": f"labels-{uuid.uuid4()}",
                     "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
consumer.subscribe([a.topic])
seen = 0
idle = 0.0
try:
    while a.until == 0 or seen < a.until:
        msg = consumer.poll(1.0)
        if msg is None:
            idle += 1.0
            if a.until and idle >= a.timeout:
                raise SystemExit(f"only {seen} of {a.until} events within {a.timeout:.0f} s")
            continue
        if msg.error():
            raise SystemExit(f"consumer error: {msg.error()}")
        idle = 0.0
        event = decode(msg.value())
        if event["comment_id"].startswith(a.prefix):
            seen += 1
            print(json.dumps(event, sort_keys=True), flush=True)
finally:
    consumer.close()
