#!/usr/bin/env python3
"""Publishes comments in Avro single-object encoding, no registry needed:
produce_avro.py BOOTSTRAP COMMENT_AVSC [COUNT] [ID_PREFIX]

COMMENT_AVSC is schemas/src/main/avro/Comment.avsc. The 8 fingerprint bytes are written as
docs/wire-format.md lists them rather than computed: python3-avro 1.11 computes a wrong one.
"""
import datetime
import io
import sys

import avro.io
import avro.schema
from confluent_kafka import Producer

HEADER = bytes.fromhex("c301" + "dccbba0c0aed72dc")  # C3 01 + Comment's fingerprint

bootstrap, avsc = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
prefix = sys.argv[4] if len(sys.argv) > 4 else "py-avro-"

with open(avsc, encoding="utf-8") as f:
    writer = avro.io.DatumWriter(avro.schema.parse(f.read()))
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for i in range(count):
    comment = {"comment_id": f"{prefix}{i}", "text": f"Python in Avro, number {i}",
               "author_id": None, "channel": None, "language": None, "metadata": {},
               "created_at": datetime.datetime.now(datetime.timezone.utc)}
    out = io.BytesIO(HEADER)
    out.seek(len(HEADER))
    writer.write(comment, avro.io.BinaryEncoder(out))
    producer.produce("comments", key=comment["comment_id"], value=out.getvalue())
producer.flush()
