//! Subcommands, and what they share: reading projects from disk and writing diagnostics.

pub mod check;
pub mod compile;
pub mod export;
pub mod fs;
pub mod parse;
pub mod plugin_host;
pub mod std_host;
pub mod validate;

use std::io::{IsTerminal, Write};

use lsmc::diagnostics::{self, codes, Diagnostic, TextOptions};
use lsmc::source::SourceMap;

use crate::{ColorChoice, Format, OutputOptions};

/// What a command reports to its caller, and the process exit code it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    ModelErrors = 1,
    ToolFailure = 2,
}

/// Writes diagnostics where they go and returns the status they imply. Standard output holds
/// one document at most: the command's payload, or else (with `--format json`) the diagnostics.
/// So the diagnostics go to `--diagnostics FILE` when given; else text goes to stderr, and JSON
/// to stdout unless the payload is there (`stdout_used`), then to stderr.
pub fn report_beside(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    output: &OutputOptions,
    uri_of: &dyn Fn(&str) -> String,
    stdout_used: bool,
) -> Status {
    let status = if diagnostics::has_errors(diagnostics) {
        Status::ModelErrors
    } else {
        Status::Ok
    };
    let render = |color: bool| match output.format {
        Format::Json => {
            diagnostics::to_pretty_text(&diagnostics::render_json(diagnostics, sources, uri_of))
        }
        Format::Text => diagnostics::render_text(diagnostics, sources, TextOptions { color }),
    };
    if let Some(path) = &output.diagnostics {
        return match compile::write_output(path, &render(false)) {
            Ok(()) => status,
            Err(message) => {
                eprintln!("lsmc: {message}");
                Status::ToolFailure
            }
        };
    }
    match output.format {
        Format::Json if !stdout_used => print_out(&render(false)),
        Format::Json => {
            let _ = std::io::stderr().lock().write_all(render(false).as_bytes());
        }
        Format::Text => {
            let color = match output.color {
                Some(ColorChoice::Always) => true,
                Some(ColorChoice::Never) => false,
                Some(ColorChoice::Auto) | None => {
                    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::io::stderr().is_terminal()
                }
            };
            let _ = std::io::stderr().lock().write_all(render(color).as_bytes());
        }
    }
    status
}

/// [`report_beside`] for a run that writes no payload on standard output.
pub fn report(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    output: &OutputOptions,
    uri_of: &dyn Fn(&str) -> String,
) -> Status {
    report_beside(diagnostics, sources, output, uri_of, false)
}

/// The one-line summary of a successful run on stderr (`ok: ...`, with the time since `start`),
/// unless `--quiet`, or stderr holds the JSON diagnostics beside a payload on stdout.
pub fn summary(output: &OutputOptions, stdout_used: bool, start: std::time::Instant, what: &str) {
    let json_on_stderr =
        output.format == Format::Json && stdout_used && output.diagnostics.is_none();
    if output.quiet || json_on_stderr {
        return;
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    eprintln!("ok: {what} in {ms:.0} ms");
}

/// `N thing` or `N things`.
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// `N files` read from disk (the built-in modules are not counted).
pub fn files_read(sources: &SourceMap) -> String {
    let read = sources
        .iter()
        .filter(|(_, file)| {
            !lsmc::builtin::FILES
                .iter()
                .any(|b| b.display_name == file.name)
        })
        .count();
    count(read, "file")
}

/// ` (N warnings)` when there are any.
pub fn warnings_note(diagnostics: &[Diagnostic]) -> String {
    match diagnostics.iter().filter(|d| !d.is_error()).count() {
        0 => String::new(),
        n => format!(" ({})", count(n, "warning")),
    }
}

/// Writes to standard output. A reader that has gone away (`lsmc ... | head`) is not an error
/// of lsmc: the rest of the output is dropped, and the run ends with its own status.
pub fn print_out(text: &str) {
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        stdout_failed(&e);
    }
}

/// A write to standard output failed. A reader that has gone away (a closed pipe) is not an error
/// of lsmc; any other failure (a full disk behind a redirection) is, and the output is incomplete:
/// the run ends with the tool's failure status rather than a success over a truncated payload.
pub fn stdout_failed(error: &std::io::Error) {
    if error.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("lsmc: can not write to standard output: {error}");
        std::process::exit(Status::ToolFailure as i32);
    }
}

pub use fs::{is_special_file, output_target, same_output, staging_file};

/// Reports a failure of the tool itself (not of the model) and returns its status: the message
/// on stderr, and with `--format json` also as the diagnostics document (`"failure"`), where the
/// diagnostics go. No payload has been written to stdout when this is called.
pub fn tool_failure(message: &str, output: Option<&OutputOptions>) -> Status {
    eprintln!("lsmc: {message}");
    if let Some(output) = output.filter(|o| o.format == Format::Json) {
        let text = failure_json(message);
        match &output.diagnostics {
            Some(path) => {
                if let Err(message) = compile::write_output(path, &text) {
                    eprintln!("lsmc: {message}");
                }
            }
            None => print_out(&text),
        }
    }
    Status::ToolFailure
}

/// The diagnostics document of a run that failed before it could check anything.
pub fn failure_json(message: &str) -> String {
    diagnostics::to_pretty_text(&serde_json::json!({
        "errors": [],
        "warnings": [],
        "failure": message,
    }))
}

/// `lsmc explain CODE`: the page of a code. Without a code, or with one that does not exist,
/// every code with its title.
pub fn explain(code: Option<&str>) -> Status {
    let Some(code) = code else {
        print_out(&code_list());
        return Status::Ok;
    };
    let Some(found) = codes::lookup(code) else {
        let known: Vec<&str> = codes::ALL.iter().map(|c| c.id).collect();
        let hint = diagnostics::suggest::did_you_mean(code, known.iter().copied())
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        let status = tool_failure(&format!("unknown diagnostic code `{code}`{hint}"), None);
        let _ = std::io::stderr().lock().write_all(code_list().as_bytes());
        return status;
    };
    match codes::page(found) {
        Some(page) => {
            print_out(page);
            Status::Ok
        }
        None => tool_failure(&format!("{} has no documentation page", found.id), None),
    }
}

/// Every code and its title (the name its page is headed with), one a line.
fn code_list() -> String {
    let mut text = String::from("Diagnostic codes (`lsmc explain CODE` prints one's page):\n");
    for code in codes::ALL {
        text.push_str(&format!("  {}  {}\n", code.id, code.name));
    }
    text
}

/// Phase timings on stderr when `LSMC_TIMINGS` is set (for profiling; benches measure speed).
pub struct Timer {
    start: Option<std::time::Instant>,
    last: std::cell::Cell<Option<std::time::Instant>>,
}

impl Timer {
    pub fn from_env() -> Timer {
        let now = std::env::var_os("LSMC_TIMINGS").map(|_| std::time::Instant::now());
        Timer {
            start: now,
            last: std::cell::Cell::new(now),
        }
    }

    pub fn mark(&self, phase: &str) {
        if let (Some(start), Some(last)) = (self.start, self.last.get()) {
            let now = std::time::Instant::now();
            eprintln!(
                "{phase:<16} {:>8.1} ms  (total {:>8.1} ms){}",
                (now - last).as_secs_f64() * 1000.0,
                (now - start).as_secs_f64() * 1000.0,
                memory_now()
            );
            self.last.set(Some(now));
        }
    }
}

/// `, RSS 12.3 MiB, peak 45.6 MiB` from `/proc/self/status` where the system has it.
fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(0.0, |kib| kib / 1024.0)
    };
    format!(
        ", RSS {:.1} MiB, peak {:.1} MiB",
        field("VmRSS:"),
        field("VmHWM:")
    )
}
