#!/usr/bin/env python3
"""Publishes comments in the schema registry's wire format (Confluent's framing: 00, the 4-byte
schema id, the Avro body): produce_registry.py BOOTSTRAP REGISTRY_URL [COUNT] [ID_PREFIX]

REGISTRY_URL is the registry's Confluent-compatible API, e.g. http://localhost:8081/apis/ccompat/v7
for the Apicurio Registry of `ops/run-local --registry`. The schema comes from the registry (subject
comments-value), so this script ships no .avsc. Debian's confluent-kafka 1.7 has an AvroSerializer,
but it needs fastavro, which Debian does not package: the body is written with python3-avro instead.
"""
import datetime
import io
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient

bootstrap, registry_url = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
prefix = sys.argv[4] if len(sys.argv) > 4 else "py-registry-"

latest = SchemaRegistryClient({"url": registry_url}).get_latest_version("comments-value")
writer = avro.io.DatumWriter(avro.schema.parse(latest.schema.schema_str))
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for i in range(count):
    comment = {"comment_id": f"{prefix}{i}", "text": f"Python via the registry, number {i}",
               "author_id": None, "channel": None, "language": "en", "metadata": {},
               "created_at": datetime.datetime.now(datetime.timezone.utc)}
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, latest.schema_id))
    writer.write(comment, avro.io.BinaryEncoder(out))
    producer.produce("comments", key=comment["comment_id"], value=out.getvalue())
producer.flush()
