#!/usr/bin/env python3
"""A bare Python requests.Session loop doing the same requests as a captured
fuzz run: the replay file of bench/replay_capture.py, sent in order on one
session, the secrets and account IDs filled in from this run's answers, as
bench/replay_client does in C++. It is the ceiling of any Python-based peer
on the fuzzer's work (compare.sh).

Usage: replay_python.py HOST:PORT REPLAY_FILE [STEPS [SECONDS]]
Prints the same line as replay_client: requests/s, steps/s (STEPS: the fuzzed
steps among the requests) and the answers whose status differs from the
capture. Stops after SECONDS (default: no limit) and rates what it sent.
"""
import base64
import re
import struct
import sys
import time

import requests

MARK = re.compile(rb'\x01(\d+)\x01')
ENCODED = re.compile(rb'\x02(.*?)\x03', re.S)


def records(path):
    data = open(path, 'rb').read()
    at = 0
    while at < len(data):
        status, length = struct.unpack_from('<HI', data, at)
        at += 6
        request = data[at:at + length]
        at += length
        (count,) = struct.unpack_from('<I', data, at)
        at += 4
        issued = []
        for _ in range(count):
            slot, key_length = struct.unpack_from('<IH', data, at)
            at += 6
            issued.append((slot, data[at:at + key_length].decode()))
            at += key_length
        yield status, request, issued


def fill(request, secrets):
    request = MARK.sub(lambda m: secrets[int(m.group(1))], request)
    return ENCODED.sub(lambda m: base64.b64encode(m.group(1)), request)


def main():
    if not 3 <= len(sys.argv) <= 5:
        sys.exit(__doc__)
    origin, path = sys.argv[1], sys.argv[2]
    steps_total = float(sys.argv[3]) if len(sys.argv) > 3 else None
    budget = float(sys.argv[4]) if len(sys.argv) > 4 else None
    session, secrets, sent, other = requests.Session(), {}, 0, 0
    all_records = list(records(path))
    start = time.monotonic()
    for status, request, issued in all_records:
        if budget is not None and time.monotonic() - start > budget:
            break
        head, _, body = fill(request, secrets).partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        method, target, _ = lines[0].split(b' ', 2)
        headers = dict(line.split(b': ', 1) for line in lines[1:] if b': ' in line)
        headers.pop(b'Host', None)
        headers.pop(b'Content-Length', None)
        answer = session.request(method.decode(), 'http://' + origin + target.decode(),
                                 headers={k.decode(): v.decode('latin-1') for k, v in headers.items()},
                                 data=body or None)
        sent += 1
        other += answer.status_code != status
        for slot, key in issued:
            found = re.search(r'"' + key + r'":"([^"]+)"', answer.text)
            secrets[slot] = found.group(1).encode() if found else b''
    seconds = time.monotonic() - start
    steps = steps_total * sent / len(all_records) if steps_total else sent
    print('%d requests in %.2f s: %.0f requests/s, %.0f steps/s; %d answers with another status than captured'
          % (sent, seconds, sent / seconds, steps / seconds, other))
    return 0 if other == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
