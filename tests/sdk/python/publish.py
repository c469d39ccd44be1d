"""Publishes the structured CloudEvents of an NDJSON file as an agency would with the official
Python SDK (cloudevents, `cloudevents.v1.kafka`): each line made a CloudEvent, converted with
to_binary or to_structured, and sent with confluent-kafka's idempotent producer (acks=all) and the Java
client's murmur2 partitioner, the employee's NIP as key (the SDK's default key mapper reads the partitionkey extension; events
without one are keyed by their subject).

usage: publish.py BROKERS TOPIC binary|structured FILE
"""
import json
import sys

from cloudevents.v1.http import CloudEvent
from cloudevents.v1.kafka import to_binary, to_structured
from confluent_kafka import Producer


def key_of(event):
    return event.get("partitionkey") or event["subject"]


def main(brokers, topic, mode, path):
    producer = Producer({"bootstrap.servers": brokers, "enable.idempotence": True, "acks": "all",
                         "partitioner": "murmur2_random"})  # the Java client's partitioner
    convert = to_binary if mode == "binary" else to_structured
    failures = []
    sent = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            envelope = json.loads(line)
            data = envelope.pop("data", None)
            # The SDK's to_binary needs datacontenttype (it reads it unconditionally).
            envelope.setdefault("datacontenttype", "application/json")
            message = convert(CloudEvent(envelope, data), key_mapper=key_of)
            producer.produce(topic, key=message.key, value=message.value,
                             headers=list(message.headers.items()),
                             on_delivery=lambda err, _: err and failures.append(err))
            sent += 1
    producer.flush(60)
    if failures:
        sys.exit(f"publish.py: {len(failures)} not delivered: {failures[0]}")
    print(f"sent {sent} events in {mode} mode")


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[3] not in ("binary", "structured"):
        sys.exit(__doc__)
    main(*sys.argv[1:])
