#!/usr/bin/env python3
"""Turns an strace capture of `authconform fuzz` into a replay file for
bench/replay_client (docs/performance.md, "The same requests from the least
client").

The capture is `strace -ff -ttt -s 1000000 -xx -e trace=connect,sendto,recvfrom
-o PREFIX authconform fuzz ...` (one file per thread: PREFIX.TID). Every request
the fuzzer sent is kept, in the order it was sent, so that the replay makes the
server do the same work: the same accounts, users, settings, tokens and refusals.
Only the secrets the server hands out (the admin's OAuth token, API token and
OAuth token secrets) differ from one run to the next: each request that carries
one becomes a template, filled at replay time from the answer that issued it.

Replay file (little-endian), for each request in order:
  u16 the status the captured answer had (the replay checks it gets the same);
  u32 length, the request with secrets marked: \\x01SLOT\\x01 for a secret,
      and \\x02...\\x03 around text to send base64-encoded (a Basic credential);
  u32 count of secrets its answer issues, each: u32 SLOT, u16 length, the JSON key.
Prints the number of requests, of fuzzed steps (requests to the account API,
not to the fixture interface's account creation and deletion) and of secrets.
Usage: replay_capture.py CAPTURE_PREFIX OUT
"""
import base64
import glob
import re
import struct
import sys

LINE = re.compile(r'^(\d+\.\d+) (connect|sendto|recvfrom)\((\d+), (.*)\) += (-?\d+)')
SECRET_KEYS = (b'oauth_token', b'token', b'full_token')  # wire.md: account admin, API token, OAuth token
ACCOUNT_ID = re.compile(rb'"id":"([^"]+)"')  # the first string ID of an account creation's answer


def unescape(text):
    """The bytes of strace's -xx string ("\\x47\\x45...")."""
    return bytes.fromhex(text.replace('\\x', ''))


def events(prefix):
    """(time, syscall, fd, data) of every successful call, all threads merged by time."""
    out = []
    for path in glob.glob(prefix + '.*'):
        for line in open(path, encoding='latin-1'):
            m = LINE.match(line)
            if not m or int(m.group(5)) < 0 and m.group(2) != 'connect':
                continue
            time, call, fd, args, ret = float(m.group(1)), m.group(2), int(m.group(3)), m.group(4), int(m.group(5))
            if call == 'connect':
                out.append((time, call, fd, b''))
                continue
            if 'MSG_PEEK' in args or ret <= 0:
                continue
            data = unescape(args[1:args.index('"', 1)])[:ret]
            out.append((time, call, fd, data))
    out.sort(key=lambda e: e[0])
    return out


def split_messages(stream, is_response):
    """HTTP/1.1 messages framed by Content-Length (our client and server use no chunking)."""
    messages = []
    while stream:
        end = stream.index(b'\r\n\r\n') + 4
        head = stream[:end]
        m = re.search(rb'(?i)\r\ncontent-length: *(\d+)', head)
        length = int(m.group(1)) if m else 0
        if is_response and head.split(b' ')[1] in (b'204', b'304'):
            length = 0
        messages.append(stream[:end + length])
        stream = stream[end + length:]
    return messages


def exchanges(prefix):
    """[(send time, request bytes, response bytes)] in the order the requests were sent."""
    conns, current = [], {}
    for time, call, fd, data in events(prefix):
        if call == 'connect':
            current[fd] = {'chunks': [], 'received': b''}
            conns.append(current[fd])
        elif fd in current:
            if call == 'sendto':
                current[fd]['chunks'].append((time, data))
            else:
                current[fd]['received'] += data
    out = []
    for conn in conns:
        sent = b''.join(data for _, data in conn['chunks'])
        starts, offset = [], 0  # (first byte, time) of each sendto
        for time, data in conn['chunks']:
            starts.append((offset, time))
            offset += len(data)
        requests = split_messages(sent, False)
        responses = split_messages(conn['received'], True)
        offset = 0
        for i, request in enumerate(requests):
            time = max(t for o, t in starts if o <= offset)
            out.append((time, request, responses[i] if i < len(responses) else b''))
            offset += len(request)
    out.sort(key=lambda e: e[0])
    return out


def issued_secrets(request, response):
    """(key, value) of every secret an answer hands out, and the ID of an
    account it creates (the ID appears in later paths and emails: numbered in
    creation order, it differs between runs once the server has made others)."""
    found = []
    if request.startswith(b'POST /conformance/v1/accounts '):
        account = ACCOUNT_ID.search(response)
        if account:
            found.append((b'id', account.group(1)))
    for key in SECRET_KEYS:
        for m in re.finditer(rb'"' + key + rb'":"([^"]+)"', response):
            found.append((key, m.group(1)))
    return found


BASIC = re.compile(rb'(?i)(basic[ \t]+)([A-Za-z0-9+/=]+)$')


def template(request, slots):
    """The request with each known secret marked in its request line and
    headers, Basic credentials decoded around them (any case of the scheme)."""
    head, _, body = request.partition(b'\r\n\r\n')
    lines = [mark(line, slots) for line in head.split(b'\r\n')]
    for i, line in enumerate(lines):
        name, _, value = line.partition(b':')
        basic = BASIC.match(value.lstrip(b' \t'))
        if name.lower() != b'authorization' or not basic:
            continue
        try:
            payload = base64.b64decode(basic.group(2), validate=True)
        except ValueError:
            continue
        marked = mark(payload, slots)
        if marked != payload:
            spaces = value[:len(value) - len(value.lstrip(b' \t'))]
            lines[i] = name + b':' + spaces + basic.group(1) + b'\x02' + marked + b'\x03'
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


WORD = re.compile(rb'[A-Za-z0-9_-]+')


def mark(text, slots):
    """Each whole word of `text` that is a known secret or account ID, marked
    (a word only: acct-2 is not the start of acct-23, and a secret with a
    character added is another credential, sent as captured)."""
    def marked(m):
        slot = slots.get(m.group(0))
        return m.group(0) if slot is None else b'\x01%d\x01' % slot
    return WORD.sub(marked, text)


def main(prefix, out_path):
    slots, steps, records = {}, 0, []
    for _, request, response in exchanges(prefix):
        records.append(template(request, slots))
        issued = []
        for key, value in issued_secrets(request, response):
            slots.setdefault(value, len(slots))
            issued.append((slots[value], key))
        status = int(response.split(b' ', 2)[1]) if response else 0
        records[-1] = (status, records[-1], issued)
        if b'/conformance/v1/accounts' not in request.split(b'\r\n', 1)[0]:
            steps += 1
    with open(out_path, 'wb') as out:
        for status, request, issued in records:
            out.write(struct.pack('<HI', status, len(request)) + request + struct.pack('<I', len(issued)))
            for slot, key in issued:
                out.write(struct.pack('<IH', slot, len(key)) + key)
    print(len(records), steps, len(slots))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
