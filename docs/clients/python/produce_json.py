#!/usr/bin/env python3
"""Publishes comments as JSON objects: produce_json.py [BOOTSTRAP] [COUNT] [ID_PREFIX]"""
import json
import sys

from confluent_kafka import Producer

bootstrap = sys.argv[1] if len(sys.argv) > 1 else "localhost:9092"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3
prefix = sys.argv[3] if len(sys.argv) > 3 else "py-json-"
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for i in range(count):
    comment = {"comment_id": f"{prefix}{i}", "text": f"Python says hello, number {i}"}
    producer.produce("comments", key=comment["comment_id"], value=json.dumps(comment),
                     headers={"content-type": "application/json"})
producer.flush()
