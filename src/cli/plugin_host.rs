//! The plugin host process: a Python interpreter of the project's environment running
//! `plugin_host.py`, started on the first call of a plugin that has no native version and kept
//! for the rest of the compile. It speaks one JSON object per line over its stdin and stdout
//! (the protocol is described at the top of `plugin_host.py`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use rustix::event::{poll, PollFd, PollFlags, Timespec};

use lsmc::eval::python_plugins::{AttributeRead, HostReply, PluginHost, Signature};
use serde_json::{json, Map, Value as Json};

/// The host's program, run with `python -c`.
const HOST_SCRIPT: &str = include_str!("plugin_host.py");

/// How long a plugin may run before it is stopped, unless `--plugin-timeout` says otherwise.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;

/// How long the host may take to start (import inmanta-core and report ready).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);

/// What the host is started with.
#[derive(Debug, Clone)]
pub struct HostConfig {
    pub interpreter: PathBuf,
    /// The folders of v1 modules (the module path).
    pub module_path: Vec<PathBuf>,
    /// Folders added to the host's import path (`--python-path`).
    pub python_path: Vec<PathBuf>,
    /// The project folder: the working directory of the plugins (`Context.get_data_dir`).
    pub project_dir: PathBuf,
    pub timeout: Duration,
}

/// A [`PluginHost`] that starts the process on first use.
pub struct ProcessHost {
    config: HostConfig,
    state: RefCell<State>,
    /// The signatures asked for, once per plugin.
    signatures: RefCell<HashMap<String, Option<Rc<Signature>>>>,
}

enum State {
    NotStarted,
    Running(Process),
    /// It could not start, or it was stopped: why (said at the call that found it).
    Failed(String),
}

struct Process {
    child: Child,
    stdin: ChildStdin,
    /// Read on the evaluating thread, waiting with `poll` so that a plugin that hangs can be
    /// timed out: a reader thread would add a hand-off between threads to every call.
    stdout: ChildStdout,
    /// What was read of the host's answers and not yet taken: `received[taken..]`.
    received: Vec<u8>,
    taken: usize,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ProcessHost {
    pub fn new(config: HostConfig) -> ProcessHost {
        ProcessHost {
            config,
            state: RefCell::new(State::NotStarted),
            signatures: RefCell::default(),
        }
    }

    fn start(&self) -> Result<Process, String> {
        let config = json!({
            "module_path": self.config.module_path,
            "python_path": self.config.python_path,
            "cwd": self.config.project_dir,
        });
        let interpreter = &self.config.interpreter;
        let mut child = Command::new(interpreter)
            .arg("-c")
            .arg(HOST_SCRIPT)
            .arg(config.to_string())
            .current_dir(&self.config.project_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("can not start {}: {e}", interpreter.display()))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut process = Process {
            child,
            stdin,
            stdout,
            received: Vec::with_capacity(READ_CHUNK),
            taken: 0,
        };
        match process.receive(STARTUP_TIMEOUT) {
            Ok(message) if message.get("ready").is_some() => Ok(process),
            Ok(message) => Err(format!(
                "{} {}",
                interpreter.display(),
                message
                    .get("fatal")
                    .and_then(Json::as_str)
                    .unwrap_or("answered something else than ready")
            )),
            Err(Received::TimedOut) => Err(format!(
                "{} did not start within {} s",
                interpreter.display(),
                STARTUP_TIMEOUT.as_secs()
            )),
            Err(Received::Ended) => Err(format!(
                "{} exited at start (is it Python 3?)",
                interpreter.display()
            )),
        }
    }

    fn exchange(
        &self,
        process: &mut Process,
        request: &Json,
        read: &mut dyn FnMut(u64, &str) -> AttributeRead,
    ) -> Result<HostReply, String> {
        process.send(request)?;
        let deadline = deadline_after(self.config.timeout);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match process.receive(left) {
                Ok(message) => message,
                Err(Received::TimedOut) => {
                    return Ok(HostReply::TimedOut(self.config.timeout.as_secs()))
                }
                Err(Received::Ended) => {
                    return Err("the plugin host exited during the call".to_string())
                }
            };
            if let Some(id) = message.get("get").and_then(Json::as_u64) {
                let attribute = message.get("attr").and_then(Json::as_str).unwrap_or("");
                let answer = match read(id, attribute) {
                    AttributeRead::Value(v) => json!({ "v": v }),
                    AttributeRead::Wait => json!({ "wait": true }),
                    AttributeRead::Missing => json!({ "missing": true }),
                };
                process.send(&answer)?;
                continue;
            }
            return Ok(if let Some(value) = message.get("ok") {
                HostReply::Value(value.clone())
            } else if message.get("wait").is_some() {
                HostReply::Wait
            } else if message.get("notfound").is_some() {
                HostReply::NotFound
            } else {
                HostReply::Raised {
                    explicit: message.get("explicit").and_then(Json::as_bool) == Some(true),
                    message: message
                        .get("raise")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string(),
                }
            });
        }
    }
}

enum Received {
    TimedOut,
    Ended,
}

impl Process {
    fn send(&mut self, message: &Json) -> Result<(), String> {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("the plugin host stopped: {e}"))
    }

    fn receive(&mut self, timeout: Duration) -> Result<Json, Received> {
        let deadline = deadline_after(timeout);
        loop {
            let line = self.next_line(deadline)?;
            // Only the host writes to this pipe; a line that is not JSON is skipped.
            if let Ok(message) = serde_json::from_slice(&self.received[line]) {
                return Ok(message);
            }
        }
    }

    /// The place in `received` of the next line from the host (without its newline), reading
    /// more until one is complete.
    fn next_line(&mut self, deadline: Instant) -> Result<std::ops::Range<usize>, Received> {
        loop {
            let unread = &self.received[self.taken..];
            if let Some(end) = unread.iter().position(|&b| b == b'\n') {
                let line = self.taken..self.taken + end;
                self.taken += end + 1;
                return Ok(line);
            }
            if self.taken > 0 {
                self.received.drain(..self.taken);
                self.taken = 0;
            }
            self.wait_readable(deadline)?;
            let filled = self.received.len();
            self.received.resize(filled + READ_CHUNK, 0);
            let read = self.stdout.read(&mut self.received[filled..]);
            self.received
                .truncate(filled + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => return Err(Received::Ended),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Err(Received::Ended),
            }
        }
    }

    /// Waits until the host's output can be read (or it closed), or the deadline passes.
    fn wait_readable(&self, deadline: Instant) -> Result<(), Received> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Received::TimedOut);
            }
            let left = Timespec::try_from(left).unwrap_or(Timespec {
                tv_sec: i64::MAX,
                tv_nsec: 0,
            });
            let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
            match poll(&mut fds, Some(&left)) {
                // Readable, or closed (then the read says so).
                Ok(n) if n > 0 => return Ok(()),
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(_) => return Err(Received::Ended),
            }
        }
    }
}

/// The instant `timeout` from now; a limit too far to be represented (`--plugin-timeout` of
/// 2^64 - 1 seconds) is a century, as good as none.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// How much is read of the host's output at a time.
const READ_CHUNK: usize = 8192;

impl ProcessHost {
    /// The running process, started on first use; `None` when it could not start (the call
    /// says why).
    fn running<'a>(&self, state: &'a mut State) -> Option<&'a mut Process> {
        if matches!(*state, State::NotStarted) {
            *state = match self.start() {
                Ok(process) => State::Running(process),
                Err(message) => State::Failed(message),
            };
        }
        match state {
            State::Running(process) => Some(process),
            _ => None,
        }
    }
}

impl PluginHost for ProcessHost {
    fn signature(&self, plugin: &str) -> Option<Rc<Signature>> {
        if let Some(known) = self.signatures.borrow().get(plugin) {
            return known.clone();
        }
        let mut state = self.state.borrow_mut();
        let process = self.running(&mut state)?;
        let request = json!({ "describe": plugin });
        let answer = match process.send(&request) {
            Ok(()) => process.receive(self.config.timeout).ok(),
            Err(_) => None,
        };
        if answer.is_none() {
            // No answer (the import of the plugin's module hangs, or the host exited): the
            // process is out of step, and the call reports it.
            *state = State::Failed(format!("the plugin host did not describe {plugin}"));
            return None;
        }
        let signature = answer
            .as_ref()
            .and_then(|a| a.get("signature"))
            .and_then(Signature::from_json)
            .map(Rc::new);
        self.signatures
            .borrow_mut()
            .insert(plugin.to_string(), signature.clone());
        signature
    }

    fn call(
        &self,
        plugin: &str,
        caller: &str,
        args: Vec<Json>,
        kwargs: Map<String, Json>,
        read: &mut dyn FnMut(u64, &str) -> AttributeRead,
    ) -> HostReply {
        let mut state = self.state.borrow_mut();
        self.running(&mut state);
        let process = match &mut *state {
            State::Running(process) => process,
            State::Failed(message) => return HostReply::Unavailable(message.clone()),
            State::NotStarted => unreachable!("started by running"),
        };
        let request = json!({ "call": plugin, "caller": caller, "args": args, "kwargs": kwargs });
        match self.exchange(process, &request, read) {
            Ok(HostReply::TimedOut(seconds)) => {
                // The process is busy with the plugin: it is stopped, and later calls fail.
                *state = State::Failed(format!("a plugin ran longer than {seconds} s"));
                HostReply::TimedOut(seconds)
            }
            Ok(reply) => reply,
            Err(message) => {
                *state = State::Failed(message.clone());
                HostReply::Unavailable(message)
            }
        }
    }
}
