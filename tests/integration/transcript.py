# SPDX-License-Identifier: MIT
"""Check a `mailbench batch` transcript independently of mailbench.

Usage (from the integration tests; not executable on purpose, so that
tests/run-all does not run it as a test):
  python3 transcript.py pairs FILE            print command -> reply pairs
  python3 transcript.py load FILE MANIFEST    every /load reply is right
  python3 transcript.py reply FILE CMD REGEX  the reply to the first C: CMD
                                              has a line matching REGEX
  python3 transcript.py pipelined FILE MIN    at some moment MIN or more
                                              commands awaited replies
  python3 transcript.py serial FILE           never more than one command
                                              awaited its reply

Pairing is done here, from the order of "C: " and "S: " lines alone (RFC
1939: replies come in the order of commands), so a transcript whose replies
belong to the wrong command fails. POP3 only. Exit 0 ok, 1 not, 2 usage.
"""
import re
import sys

MULTI_ALWAYS = {"CAPA", "TOP", "RETR"}
MULTI_NOARG = {"LIST", "UIDL"}


def is_multi(cmd):
    verb, _, arg = cmd.partition(" ")
    verb = verb.upper()
    return verb in MULTI_ALWAYS or (verb in MULTI_NOARG and not arg.strip())


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [l.rstrip("\n") for l in f]


def pairs(path):
    """Return ([(command, [reply lines]), ...], max commands outstanding)."""
    pending = []          # commands sent, reply not complete
    done = []
    cur = None            # (command, lines) of the reply being read
    greeting_seen = False
    max_out = 0
    for line in read_lines(path):
        if line.startswith("C: "):
            text = line[3:]
            if re.fullmatch(r"\*+", text):
                continue        # a redacted SASL continuation answer
            pending.append(text)
            max_out = max(max_out, len(pending))
        elif line.startswith("S: "):
            text = line[3:]
            if cur is not None:
                cur[1].append(text)
                if text == ".":
                    done.append(cur)
                    cur = None
                continue
            if not greeting_seen:
                greeting_seen = True
                done.append(("(greeting)", [text]))
                continue
            if text == "+" or text.startswith("+ "):
                continue        # SASL continuation: the command goes on
            if not pending:
                done.append(("(unsolicited)", [text]))
                continue
            cmd = pending.pop(0)
            if text.startswith("+OK") and is_multi(cmd):
                cur = (cmd, [text])
            else:
                done.append((cmd, [text]))
    if cur is not None:
        done.append(cur)
    return done, max_out


def load(path, manifest):
    msgs = {}
    with open(manifest, encoding="utf-8") as f:
        for l in f:
            n, size, subject, mid = l.rstrip("\n").split("\t")
            msgs[int(n)] = (int(size), subject, mid)
    ps, _ = pairs(path)
    errors = []
    seen_top = set()
    seen_list = set()
    seen_uidl = set()
    stat_ok = False
    total = sum(s for s, _, _ in msgs.values())
    for cmd, lines in ps:
        verb, _, arg = cmd.partition(" ")
        verb = verb.upper()
        args = arg.split()
        status = lines[0]
        if verb == "STAT":
            if status.split()[:3] != ["+OK", str(len(msgs)), str(total)]:
                errors.append("STAT reply %r, expected +OK %d %d" % (status, len(msgs), total))
            stat_ok = True
        elif verb == "LIST":
            if args:
                n = int(args[0])
                want = "+OK %d %d" % (n, msgs[n][0])
                if status.split()[:3] != want.split():
                    errors.append("LIST %d reply %r, expected %r" % (n, status, want))
                seen_list.add(n)
            else:
                for l in lines[1:-1]:
                    n, size = (int(x) for x in l.split()[:2])
                    if n not in msgs or msgs[n][0] != size:
                        errors.append("LIST line %r is wrong" % l)
                    seen_list.add(n)
        elif verb == "UIDL":
            if args:
                n = int(args[0])
                f = status.split()
                if len(f) < 3 or f[1] != str(n) or not f[2].upper().startswith("%08X" % n):
                    errors.append("UIDL %d reply %r" % (n, status))
                seen_uidl.add(n)
            else:
                for l in lines[1:-1]:
                    f = l.split()
                    if len(f) < 2 or not f[1].upper().startswith("%08X" % int(f[0])):
                        errors.append("UIDL line %r is wrong" % l)
                    seen_uidl.add(int(f[0]))
        elif verb == "TOP":
            n = int(args[0])
            seq = [l for l in lines if l.startswith("X-Mailbench-Seq:")]
            mid = [l for l in lines if l.lower().startswith("message-id:")]
            if not status.startswith("+OK"):
                errors.append("TOP %d failed: %r" % (n, status))
            elif seq != ["X-Mailbench-Seq: %d" % n] or mid != ["Message-ID: %s" % msgs[n][2]]:
                errors.append("TOP %d reply belongs to another message: %r %r" % (n, seq, mid))
            elif args[1:] == ["0"] and any(l.startswith("Hello, this is message") for l in lines):
                errors.append("TOP %d 0 reply carries body lines" % n)
            seen_top.add(n)
    want = set(msgs)
    if not stat_ok:
        errors.append("no STAT reply")
    for name, seen in (("TOP", seen_top), ("LIST", seen_list), ("UIDL", seen_uidl)):
        if seen != want:
            missing = sorted(want - seen)
            errors.append("%s covered %d of %d messages (missing e.g. %s)" % (
                name, len(seen & want), len(want), missing[:5]))
    for e in errors[:20]:
        print("transcript.py: " + e, file=sys.stderr)
    return 0 if not errors else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "pairs":
        ps, m = pairs(argv[2])
        for cmd, lines in ps:
            print("%s\t%d\t%s" % (cmd, len(lines), lines[0] if lines else ""))
        print("max outstanding %d" % m)
        return 0
    if len(argv) == 4 and argv[1] == "load":
        return load(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "reply":
        ps, _ = pairs(argv[2])
        for cmd, lines in ps:
            if cmd == argv[3]:
                if any(re.search(argv[4], l) for l in lines):
                    return 0
                print("transcript.py: reply to %r has no /%s/: %r" % (cmd, argv[4], lines[:5]),
                      file=sys.stderr)
                return 1
        print("transcript.py: no command %r" % argv[3], file=sys.stderr)
        return 1
    if len(argv) == 4 and argv[1] == "pipelined":
        _, m = pairs(argv[2])
        if m >= int(argv[3]):
            return 0
        print("transcript.py: at most %d commands were outstanding" % m, file=sys.stderr)
        return 1
    if len(argv) == 3 and argv[1] == "serial":
        _, m = pairs(argv[2])
        if m <= 1:
            return 0
        print("transcript.py: %d commands were outstanding at once" % m, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
