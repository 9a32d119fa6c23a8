"""The runner's side of the host protocol (see ../protocol.ts).

fd 0 carries one job: a header line then raw UTF-8 fields; fd 3 carries control messages
as JSON lines. Only builtin modules are used so a warm sandbox starts fast.
"""

import posix

CONTROL_FD = 3
MAX_HEADER = 4096
_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def read_exact(n, initial=b""):
    chunks, have = [initial], len(initial)
    while have < n:
        chunk = posix.read(0, min(n - have, 1 << 20))
        if not chunk:
            raise EOFError("job truncated")
        chunks.append(chunk)
        have += len(chunk)
    return b"".join(chunks)


# Bytes read past the job's body: the start of an interactive run's input.
EXTRA = b""


def read_job():
    """Returns (header fields, body bytes). Blocks until the host sends a job."""
    global EXTRA
    buf = b""
    while b"\n" not in buf:
        chunk = posix.read(0, 65536)
        if not chunk or len(buf) > MAX_HEADER:
            raise EOFError("no job")
        buf += chunk
    header, _, rest = buf.partition(b"\n")
    fields = header.decode("ascii").split(" ")
    body_len = int(fields[-1])
    body = read_exact(body_len, rest)
    body, EXTRA = body[:body_len], body[body_len:]
    return fields[:-1], body


def close_input():
    """Nothing else may come from the host; user code must not read the pipe (except in
    an interactive run, where the rest of fd 0 is the program's input)."""
    null = posix.open("/dev/null", posix.O_RDONLY)
    posix.dup2(null, 0)
    posix.close(null)


def dumps(value):
    """Minimal JSON encoder (the json module costs ~8 ms of start-up per sandbox)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.translate(_ESCAPES) + '"'
    if isinstance(value, dict):
        return "{" + ",".join(dumps(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    return "[" + ",".join(dumps(v) for v in value) + "]"


def send(message):
    data = (dumps(message) + "\n").encode("utf-8", "backslashreplace")
    while data:
        data = data[posix.write(CONTROL_FD, data):]
