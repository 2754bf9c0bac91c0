#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and answer its questions.

    answer.py DIR ANSWER... -- COMMAND ARGS...

Runs COMMAND in DIR with a terminal as standard input and error; each time
its output ends with "]: " (a question and its default), writes the next
ANSWER and a newline (and ends the terminal's input when none is left).
Prints what the command wrote and exits with its status.
"""
import os
import pty
import select
import sys


def main():
    sep = sys.argv.index("--")
    cwd, answers, cmd = sys.argv[1], sys.argv[2:sep], sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execv(cmd[0], cmd)
    out = b""
    asked = 0
    while True:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            sys.stdout.write(out.decode(errors="replace") + "\n[timed out]\n")
            os.kill(pid, 9)
            return 3
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if out.endswith(b"]: ") and asked < out.count(b"]: "):
            asked = out.count(b"]: ")
            if answers:
                os.write(fd, answers.pop(0).encode() + b"\n")
            else:
                os.write(fd, b"\x04")  # end of input
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
