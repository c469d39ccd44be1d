#!/usr/bin/env python3
"""Writes tests/corpus/hostile.ndjson: Kafka messages that Kinerja must reject, each with the
reason docs/events.md gives for it, in both CloudEvents content modes where the fault exists in
both.

The first lines ("control/...") are the valid events the faults are made from, with reason
"accepted". Every expected reason below is written by hand from docs/events.md (the table "Rejections and
the dead-letter topic", the rules of each type and "Readings of the contract"); nothing here
runs Kinerja's code. The committed file is what this script writes: `--check` fails when it
differs (run by the test command).

One line per message:
  {"case": NAME, "mode": "structured"|"binary", "reason": CODE, "detail": SUBSTRING (optional),
   "timestamp_ms": KAFKA_TIMESTAMP, "key": TEXT|null | {"b64": BYTES},
   "headers": [[NAME, TEXT|null|{"b64": BYTES}], ...], "value": TEXT|null|{"b64": BYTES}}
"""
import base64
import copy
import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("hostile.ndjson")
NIP = "198609262015051001"
OTHER_NIP = "197001012000011001"
# 2026-03-20T00:00:00Z: the Kafka timestamp of every message; its month in WIT is 2026-03.
TIMESTAMP_MS = 1773964800000


def envelope(type_, id_, data, time="2026-03-10T10:00:00+07:00"):
    return {"specversion": "1.0", "id": id_, "source": "/agencies/KORPUS", "type": type_,
            "subject": NIP, "time": time, "data": data}


# One valid event per type (the faults below are applied to copies).
BASE = {
    "employee": envelope("kinerja.employee.upserted.v1", "h-emp", {
        "agency": "KORPUS", "unit": "Biro Umum", "tz": "Asia/Jakarta", "position": "pelaksana",
        "employment": "pns", "supervisor": OTHER_NIP, "status": "active"}),
    "skp": envelope("kinerja.skp.approved.v1", "h-skp", {
        "year": 2026, "indicators": [{"id": "IKI-1", "kind": "utama", "target": 12,
                                      "unit": "laporan"}]}),
    "realisasi": envelope("kinerja.realisasi.reported.v1", "h-real", {
        "period": "2026-02", "indicator": "IKI-1", "value": 1}),
    "evidence": envelope("kinerja.evidence.submitted.v1", "h-evd", {
        "period": "2026-02", "indicator": "IKI-1", "evidence": "DOC-1"}),
    "feedback": envelope("kinerja.feedback.given.v1", "h-fb", {
        "giver": OTHER_NIP, "value": "kolaboratif", "note": "Terima kasih."}),
    "rating": envelope("kinerja.rating.assigned.v1", "h-rat", {
        "period": "2026-02", "hasil": "sesuai", "perilaku": "di_atas", "rater": OTHER_NIP}),
    "potential": envelope("kinerja.potential.assessed.v1", "h-pot", {
        "year": 2026, "potential": "tinggi"}),
    "training": envelope("kinerja.training.completed.v1", "h-trn", {
        "course": "LATSAR-1", "completed_on": "2026-03-02", "minutes": 450,
        "mode": "klasikal"}),
    "activity": envelope("kinerja.activity.logged.v1", "h-act", {
        "date": "2026-03-10", "minutes": 90, "category": "substantive"}),
}

# The data fields of each type and their JSON kind ("string", "integer", "number", "array",
# "nip", "nullable_nip"); wrong types are made from these.
FIELDS = {
    "employee": {"agency": "string", "unit": "string", "tz": "string", "position": "string",
                 "employment": "string", "supervisor": "nullable_nip", "status": "string"},
    "skp": {"year": "integer", "indicators": "array"},
    "realisasi": {"period": "string", "indicator": "string", "value": "number"},
    "evidence": {"period": "string", "indicator": "string", "evidence": "string"},
    "feedback": {"giver": "nip"},
    "rating": {"period": "string", "hasil": "string", "perilaku": "string", "rater": "nip"},
    "potential": {"year": "integer", "potential": "string"},
    "training": {"course": "string", "completed_on": "string", "minutes": "integer",
                 "mode": "string"},
    "activity": {"date": "string", "minutes": "integer", "category": "string"},
}
WRONG = {  # JSON values of a wrong type, per kind of field
    "string": [42, True, ["x"], {"x": 1}],
    "nip": [198609262015051001, True, [NIP], {"nip": NIP}],
    "nullable_nip": [198609262015051001, False, [], {}],
    "integer": ["90", True, [90], {"n": 90}, 90.5],
    "number": ["1", False, [1], {"v": 1}],
    "array": ["IKI-1", 1, {"id": "IKI-1"}, None],
}


DATA = object()  # binary(): "the value is the event's data"


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def blob(b):
    """A value as the corpus writes it: text when it is UTF-8, else base64."""
    if b is None:
        return None
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(b).decode()}


class Corpus:
    def __init__(self):
        self.rows = []
        self.names = set()

    def add(self, case, mode, reason, value, headers=(), key=NIP.encode(), detail=None):
        name = f"{case}/{mode}"
        assert name not in self.names, name
        self.names.add(name)
        row = {"case": case, "mode": mode, "reason": reason}
        if detail:
            row["detail"] = detail
        row["timestamp_ms"] = TIMESTAMP_MS
        row["key"] = blob(key)
        row["headers"] = [[n, blob(v)] for n, v in headers]
        row["value"] = blob(value)
        self.rows.append(row)

    def structured(self, case, reason, value, key=NIP.encode(), detail=None, headers=None):
        if headers is None:
            headers = [("content-type", b"application/cloudevents+json")]
        self.add(case, "structured", reason, value, headers, key, detail)

    def binary(self, case, reason, event, value=DATA, key=NIP.encode(), detail=None,
               extra_headers=(), drop=()):
        """`event`'s attributes as ce_ headers; the value is `value` or its compact data."""
        headers = [(f"ce_{k}", str(v).encode()) for k, v in event.items()
                   if k not in ("data", "datacontenttype") and k not in drop]
        headers.append(("content-type", b"application/json"))
        headers.extend(extra_headers)
        if value is DATA:
            value = compact(event["data"]).encode() if "data" in event else None
        self.add(case, "binary", reason, value, headers, key, detail)

    def both(self, case, reason, event, detail=None, key=NIP.encode()):
        """A fault inside `data` (or the key): the same in both modes."""
        self.structured(case, reason, compact(event).encode(), key=key, detail=detail)
        self.binary(case, reason, event, key=key, detail=detail)


def truncated(c):
    for name, ev in BASE.items():
        text = compact(ev).encode()
        data = compact(ev["data"]).encode()
        for cut in (1, len(text) // 4, len(text) // 2, len(text) - 1):
            c.structured(f"truncated/{name}/{cut}", "malformed_json", text[:cut])
        for cut in (1, len(data) // 2, len(data) - 1):
            c.binary(f"truncated/{name}/data-{cut}", "malformed_json", ev, value=data[:cut])


def nesting(c):
    ev = BASE["activity"]
    deep_arrays = "[" * 1100 + "]" * 1100
    deep_objects = '{"a":' * 1100 + "1" + "}" * 1100
    for label, deep in (("arrays", deep_arrays), ("objects", deep_objects)):
        text = compact(ev)[:-2] + ',"ext":' + deep + "}}"  # inside data
        c.structured(f"nesting/{label}-1100", "malformed_json", text.encode())
        data = compact(ev["data"])[:-1] + ',"ext":' + deep + "}"
        c.binary(f"nesting/{label}-1100", "malformed_json", ev, value=data.encode())
    wrapped = copy.deepcopy(ev)
    value = 90
    for _ in range(50):
        value = [value]
    wrapped["data"]["minutes"] = value
    c.both("nesting/minutes-in-50-arrays", "invalid_data", wrapped, detail="data.minutes")


BAD_UTF8 = {
    "ff": b"\xff", "overlong-slash": b"\xc0\xaf", "lone-continuation": b"\x80",
    "truncated-euro": b"\xe2\x82", "encoded-surrogate": b"\xed\xa0\x80",
    "beyond-10ffff": b"\xf4\x90\x80\x80",
}


def invalid_utf8(c):
    fb = BASE["feedback"]
    for label, bad in BAD_UTF8.items():
        text = compact(fb).encode().replace(b"Terima", b"Teri" + bad + b"ma")
        c.structured(f"utf8/{label}/note", "malformed_json", text)
        data = compact(fb["data"]).encode().replace(b"Terima", b"Teri" + bad + b"ma")
        c.binary(f"utf8/{label}/note", "malformed_json", fb, value=data)
        text = compact(fb).encode().replace(b'"h-fb"', b'"h-' + bad + b'"')
        c.structured(f"utf8/{label}/id", "malformed_json", text)
    act = BASE["activity"]
    for header in ("ce_id", "ce_source", "ce_time"):
        c.binary(f"utf8/header-{header}", "invalid_envelope", act, drop=(header[3:],),
                 extra_headers=[(header, b"h-\xff\xfe")], detail=header[3:])


def bom_and_controls(c):
    act = BASE["activity"]
    c.structured("bom/value", "malformed_json", b"\xef\xbb\xbf" + compact(act).encode())
    c.binary("bom/data", "malformed_json", act,
             value=b"\xef\xbb\xbf" + compact(act["data"]).encode())
    fb = BASE["feedback"]
    for label, ch in (("soh", b"\x01"), ("nul", b"\x00"), ("newline", b"\n"), ("us", b"\x1f"),
                      ("tab", b"\t")):
        text = compact(fb).encode().replace(b"Terima", b"Ter" + ch + b"ima")
        c.structured(f"control/{label}-in-string", "malformed_json", text)
        data = compact(fb["data"]).encode().replace(b"Terima", b"Ter" + ch + b"ima")
        c.binary(f"control/{label}-in-string", "malformed_json", fb, value=data)
    text = compact(act).encode().replace(b'"minutes":', b'"minutes":\x0c')
    c.structured("control/formfeed-as-whitespace", "malformed_json", text)


def duplicate_keys(c):
    act = compact(BASE["activity"])
    c.structured("duplicate/envelope-id", "malformed_json",
                 act.replace('"id":"h-act"', '"id":"h-act","id":"h-act2"').encode(),
                 detail="duplicate key: id")
    c.structured("duplicate/data-minutes", "malformed_json",
                 act.replace('"minutes":90', '"minutes":90,"minutes":100').encode(),
                 detail="duplicate key: data.minutes")
    c.structured("duplicate/same-value", "malformed_json",
                 act.replace('"minutes":90', '"minutes":90,"minutes":90').encode(),
                 detail="duplicate key: data.minutes")
    c.structured("duplicate/escaped-spelling", "malformed_json",
                 act.replace('"minutes":90', '"minutes":90,"\\u006dinutes":90').encode(),
                 detail="duplicate key: data.minutes")
    skp = compact(BASE["skp"])
    c.structured("duplicate/indicator-key", "malformed_json",
                 skp.replace('"kind":"utama"', '"kind":"utama","kind":"tambahan"').encode(),
                 detail="duplicate key: data.indicators[0].kind")
    c.structured("duplicate/in-extension", "malformed_json",
                 act.replace('"data":', '"ext":{"a":1,"a":2},"data":').encode(),
                 detail="duplicate key: ext.a")
    # A member name is the publisher's data: one holding a NIP is not echoed (found by
    # fuzz_decoder; fuzz/regressions/decoder/duplicate-key-named-with-a-nip).
    c.structured("duplicate/name-holding-a-nip", "malformed_json",
                 act.replace('"data":', f'"ext":{{"x{OTHER_NIP}":1,"x{OTHER_NIP}":2}},"data":')
                 .encode(), detail="duplicate key: ext.(a name not shown)")
    c.structured("duplicate/name-over-the-parent", "malformed_json",
                 act.replace('"data":', f'"n{OTHER_NIP}":{{"a":1,"a":2}},"data":').encode(),
                 detail="duplicate key: (a name not shown).a")
    data = compact(BASE["activity"]["data"])
    c.binary("duplicate/data-minutes", "malformed_json", BASE["activity"],
             value=data.replace('"minutes":90', '"minutes":90,"minutes":100').encode(),
             detail="duplicate key: data.minutes")
    c.binary("duplicate/header-ce_id", "invalid_envelope", BASE["activity"],
             extra_headers=[("ce_id", b"h-act-again")], detail="id")
    c.binary("duplicate/header-ce_type", "invalid_envelope", BASE["activity"],
             extra_headers=[("ce_type", b"kinerja.activity.logged.v1")], detail="type")


def with_literal(text, field, literal):
    """`text` with the number after the first `"field":` replaced by `literal`, as written."""
    start = text.index(f'"{field}":') + len(field) + 3
    end = start
    while text[end] not in ",}]":
        end += 1
    return (text[:start] + literal + text[end:]).encode()


def numbers(c):
    act, skp, real = BASE["activity"], BASE["skp"], BASE["realisasi"]
    malformed = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "nan", "inf", "+90",
                 "090", "0x5a", "90.", ".5"]
    invalid = [("minutes", act, "-0"), ("minutes", act, "90.0"), ("minutes", act, "9e1"),
               ("minutes", act, "0"), ("minutes", act, "1441"), ("minutes", act, "-90"),
               ("minutes", act, "18446744073709551616"), ("minutes", act, "9007199254740993"),
               ("year", skp, "1e3"), ("year", skp, "99999999999999999999999"),
               ("year", skp, "2101"), ("target", skp, "0"), ("target", skp, "-0"),
               ("target", skp, "1e-400"), ("target", skp, "-12"),
               ("value", real, "-0.000001"), ("value", real, "-1e300")]
    cases = [("minutes", act, lit, "malformed_json") for lit in malformed]
    cases += [(field, ev, lit, "invalid_data") for field, ev, lit in invalid]
    for field, ev, lit, reason in cases:
        detail = None if reason == "malformed_json" else f"data."
        c.structured(f"number/{field}-{lit}", reason, with_literal(compact(ev), field, lit),
                     detail=detail)
        c.binary(f"number/{field}-{lit}", reason, ev,
                 value=with_literal(compact(ev["data"]), field, lit), detail=detail)


def wrong_types(c):
    for name, fields in FIELDS.items():
        for field, kind in fields.items():
            for i, wrong in enumerate(WRONG[kind]):
                ev = copy.deepcopy(BASE[name])
                ev["data"][field] = wrong
                c.both(f"type/{name}.{field}/{i}", "invalid_data", ev,
                       detail=f"data.{field}")
    skp = copy.deepcopy(BASE["skp"])
    for field, wrong in (("id", 1), ("kind", ["utama"]), ("target", "12"), ("unit", 3)):
        ev = copy.deepcopy(skp)
        ev["data"]["indicators"][0][field] = wrong
        c.both(f"type/skp.indicators.{field}", "invalid_data", ev,
               detail=f"data.indicators[0].{field}")
    for field, wrong in (("value", 7), ("note", ["x"])):
        ev = copy.deepcopy(BASE["feedback"])
        ev["data"][field] = wrong
        c.both(f"type/feedback.{field}", "invalid_data", ev, detail=f"data.{field}")
    # The envelope (structured mode: JSON types; binary mode has only strings, see below).
    for attr in ("specversion", "id", "source", "type", "subject", "time"):
        for i, wrong in enumerate([1, None, True, [], {}]):
            ev = copy.deepcopy(BASE["activity"])
            ev[attr] = wrong
            c.structured(f"type/envelope.{attr}/{i}", "invalid_envelope",
                         compact(ev).encode(), detail=attr)
    for i, wrong in enumerate([1, True, "text/plain", "application/xml"]):
        ev = copy.deepcopy(BASE["activity"])
        ev["datacontenttype"] = wrong
        c.structured(f"type/envelope.datacontenttype/{i}", "invalid_envelope",
                     compact(ev).encode(), detail="datacontenttype")
    for i, wrong in enumerate(["data", 1, [1], None]):
        ev = copy.deepcopy(BASE["activity"])
        ev["data"] = wrong
        c.structured(f"type/envelope.data/{i}", "invalid_envelope", compact(ev).encode(),
                     detail="data")


def envelope_headers(c):
    act = BASE["activity"]
    for attr in ("specversion", "id", "source", "type", "subject", "time"):
        ev = copy.deepcopy(act)
        del ev[attr]
        c.binary(f"binary/missing-ce_{attr}", "invalid_envelope", ev, detail=attr,
                 drop=(attr,))
    for attr, bad in (("specversion", "0.3"), ("time", "yesterday"), ("source", "agencies/X"),
                      ("id", ""), ("time", "2026-03-10T10:00:00"),
                      ("source", "/agencies/" + "X" * 33)):
        ev = copy.deepcopy(act)
        ev[attr] = bad
        c.binary(f"binary/bad-ce_{attr}-{bad[:12]}", "invalid_envelope", ev, detail=attr)
        c.structured(f"binary/bad-ce_{attr}-{bad[:12]}", "invalid_envelope",
                     compact(ev).encode(), detail=attr)
    for label, ctype in (("text", b"text/plain"), ("xml", b"application/xml")):
        headers = [(f"ce_{k}", str(v).encode()) for k, v in act.items() if k != "data"]
        headers.append(("content-type", ctype))
        c.add(f"binary/content-type-{label}", "binary", "invalid_envelope",
              compact(act["data"]).encode(), headers, NIP.encode(), "content-type")
    c.structured("batch-mode", "invalid_envelope", ("[" + compact(act) + "]").encode(),
                 headers=[("content-type", b"application/cloudevents-batch+json")],
                 detail="batch")
    c.structured("structured-avro", "invalid_envelope", compact(act).encode(),
                 headers=[("content-type", b"application/cloudevents+avro")],
                 detail="content-type")


def payloads(c):
    act = BASE["activity"]
    for label, value in (("null", None), ("empty", b""), ("spaces", b"   "),
                         ("array", b"[]"), ("string", b'"event"'), ("number", b"42"),
                         ("true", b"true"), ("null-literal", b"null"), ("text", b"hello")):
        c.structured(f"payload/{label}", "malformed_json", value)
    for label, value in (("null", None), ("empty", b"")):
        c.binary(f"payload/{label}", "invalid_envelope", act, value=value, detail="data")
    for label, value in (("array", b"[]"), ("string", b'"event"'), ("number", b"42"),
                         ("null-literal", b"null")):
        c.binary(f"payload/{label}", "invalid_envelope", act, value=value, detail="data")
    c.binary("payload/spaces", "malformed_json", act, value=b"   ")


def keys(c):
    act = BASE["activity"]
    for label, key in (("null", None), ("empty", b""), ("other-nip", OTHER_NIP.encode()),
                       ("trailing-space", (NIP + " ").encode()),
                       ("leading-zero", ("0" + NIP[1:]).encode()),
                       ("not-utf8", b"\xff" + NIP[1:].encode()),
                       ("arabic-digits", "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١".encode())):
        c.both(f"key/{label}", "key_mismatch", act, key=key,
               detail="no key" if key is None else None)


def sizes(c):
    act = copy.deepcopy(BASE["activity"])
    act["data"]["pad"] = "x" * 65600
    c.both("size/value-over-64KiB", "too_large", act, detail="65536")
    small = BASE["activity"]
    c.binary("size/headers-over-64KiB", "too_large", small,
             extra_headers=[("ce_padding", b"y" * 65500)], detail="headers")
    # too_large comes first: an oversized value is not parsed at all.
    c.structured("size/oversized-garbage", "too_large", b"{" * 70000)


def nips(c):
    for label, bad in (("17-digits", NIP[:17]), ("bad-date", "198602302015051001"),
                       ("digit15-3", NIP[:14] + "3" + NIP[15:]),
                       ("born-1939", "193901012000011001"), ("letters", "19860926201505100A"),
                       ("fullwidth", "１９８６０９２６２０１５０５１００１")):
        ev = copy.deepcopy(BASE["activity"])
        ev["subject"] = bad
        c.both(f"nip/subject-{label}", "invalid_nip", ev, key=bad.encode(), detail="subject")
        fb = copy.deepcopy(BASE["feedback"])
        fb["data"]["giver"] = bad
        c.both(f"nip/giver-{label}", "invalid_nip", fb, detail="data.giver")


def types(c):
    for label, t in (("v2", "kinerja.activity.logged.v2"), ("case", "kinerja.Activity.logged.v1"),
                     ("empty", ""), ("prefix", "kinerja.activity"),
                     ("space", "kinerja.activity.logged.v1 ")):
        ev = copy.deepcopy(BASE["activity"])
        ev["type"] = t
        c.both(f"unknown-type/{label}", "unknown_type", ev)


def future(c):
    cases = [("realisasi", "period", "2046-03"), ("realisasi", "period", "2026-04"),
             ("evidence", "period", "2026-04"), ("rating", "period", "2026-04"),
             ("rating", "period", "2027"), ("activity", "date", "2026-04-01"),
             ("training", "completed_on", "2026-04-01")]
    for name, field, value in cases:
        ev = copy.deepcopy(BASE[name])
        ev["data"][field] = value
        c.both(f"future/{name}.{field}-{value}", "invalid_data", ev, detail=f"data.{field}")
    fb = copy.deepcopy(BASE["feedback"])
    fb["time"] = "2026-04-01T00:00:00+09:00"
    c.both("future/feedback.time", "invalid_data", fb, detail="time")


def controls(c):
    """The valid events the faults start from: accepted in both modes (so a rejection below is
    the fault's doing)."""
    for name, ev in BASE.items():
        c.both(f"control/{name}", "accepted", ev)


def build():
    c = Corpus()
    for part in (controls, truncated, nesting, invalid_utf8, bom_and_controls, duplicate_keys, numbers,
                 wrong_types, envelope_headers, payloads, keys, sizes, nips, types, future):
        part(c)
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in c.rows)


def main():
    text = build()
    if sys.argv[1:] == ["--check"]:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is not what {Path(__file__).name} writes: run it and commit",
                  file=sys.stderr)
            return 1
        print(f"{OUT.name}: {text.count(chr(10))} messages, up to date")
        return 0
    if sys.argv[1:]:
        print("usage: hostile.py [--check]", file=sys.stderr)
        return 2
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10))} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
