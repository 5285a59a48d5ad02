#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The SHA-256 of a message's attachment, found by file name, decoded by
Python's email package (an oracle independent of mailbench's MIME code).

  attachment.py transcript FILE NAME   the last RETR in a batch transcript
                                       (S: lines up to the lone ".",
                                       dot-stuffing undone)
  attachment.py message FILE NAME      a message file (a Maildir entry)
  attachment.py file FILE              the file itself (a saved attachment)

Prints "SHA256 BYTES" (decoded length); exit 1 when not found."""
import email
import email.policy
import hashlib
import sys


def from_transcript(path):
    body, inside = [], False
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            if line.startswith(b"C: RETR"):
                body, inside = [], "status"
                continue
            if not inside or not line.startswith(b"S: "):
                continue
            text = line[3:]
            if inside == "status":
                inside = text.startswith(b"+OK")
                continue
            if text == b".":
                inside = False
                continue
            if text.startswith(b".."):
                text = text[1:]
            body.append(text)
    return b"\r\n".join(body) + b"\r\n"


def attachment(raw, name):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_filename() == name:
            return part.get_payload(decode=True)
    return None


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "file":
        with open(sys.argv[2], "rb") as f:
            data = f.read()
    elif len(sys.argv) == 4 and sys.argv[1] in ("transcript", "message"):
        if sys.argv[1] == "transcript":
            raw = from_transcript(sys.argv[2])
        else:
            with open(sys.argv[2], "rb") as f:
                raw = f.read()
        data = attachment(raw, sys.argv[3])
        if data is None:
            print("no attachment named %s" % sys.argv[3], file=sys.stderr)
            sys.exit(1)
    else:
        sys.exit(__doc__)
    print(hashlib.sha256(data).hexdigest(), len(data))


if __name__ == "__main__":
    main()
