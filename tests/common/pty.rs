//! Runs rel on a real pseudo-terminal (python3's `pty` module opens it and sets its size), so
//! rel sees a tty: its width, its colour, its prompts. No mock of a terminal.
#![allow(dead_code)]

use super::TestEnv;
use std::process::Command;

/// argv: COLUMNS TYPED PROGRAM ARGS…; types TYPED into the terminal and prints what it showed
/// (the echo of what was typed included), with the program's exit code as its own.
const PTY_RUN: &str = r#"
import fcntl, os, struct, subprocess, sys, termios
columns = int(sys.argv[1])
typed = sys.argv[2].encode()
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
child = subprocess.Popen(sys.argv[3:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
os.close(slave)
if typed:
    os.write(master, typed)
chunks = []
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    chunks.append(chunk)
code = child.wait()
sys.stdout.buffer.write(b"".join(chunks).replace(b"\r\n", b"\n"))
sys.exit(code)
"#;

/// A `python3` command that runs rel on a `columns`-wide terminal with `typed` as the keyboard,
/// in `env`'s test environment except NO_COLOR, and nothing of this process's environment.
/// Callers add environment and then rel's arguments.
pub fn command(env: &TestEnv, columns: usize, typed: &str) -> Command {
    // A terminal is where colour is on by default: the tests' NO_COLOR does not belong here.
    let mut cmd = super::isolated("python3", env.dir.path(), &env.db, &env.now);
    cmd.env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["-c", PTY_RUN, &columns.to_string(), typed])
        .arg(super::REL);
    cmd
}
