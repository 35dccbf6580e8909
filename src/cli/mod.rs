//! Subcommands, and what they share: reading projects from disk and writing diagnostics.

pub mod check;
pub mod compile;
pub mod export;
pub mod fs;
pub mod parse;
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

/// Writes diagnostics in the chosen format and returns the status they imply.
pub fn report(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    output: &OutputOptions,
    uri_of: &dyn Fn(&str) -> String,
) -> Status {
    match output.format {
        Format::Json => {
            let json = diagnostics::render_json(diagnostics, sources, uri_of);
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text => {
            let color = match output.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::io::stderr().is_terminal()
                }
            };
            let text = diagnostics::render_text(diagnostics, sources, TextOptions { color });
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
    }
    if diagnostics::has_errors(diagnostics) {
        Status::ModelErrors
    } else {
        Status::Ok
    }
}

/// Writes to standard output. A reader that has gone away (`lsmc ... | head`) is not an error
/// of lsmc: the rest of the output is dropped, and the run ends with its own status.
pub fn print_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// A temporary file in the folder of `path`, written and then renamed over `path`, so that an
/// output is whole or absent. It is made with the mode of any new file (0666 less the umask), not
/// the private 0600 of temporary files: the renamed file is what other tools read.
pub fn staging_file(path: &std::path::Path) -> Result<tempfile::NamedTempFile, String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lsmc-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir).map_err(|e| {
        // tempfile's message ends with the temporary file's name (`... at path "..."`), which
        // the user never asked for: the cause is what comes before it.
        let text = e.to_string();
        let cause = text.split(" at path ").next().unwrap_or(&text);
        format!("can not write in {}: {cause}", dir.display())
    })
}

/// Reports a failure of the tool itself (not of the model) and returns its status.
pub fn tool_failure(message: &str, output: Option<&OutputOptions>) -> Status {
    if output.is_some_and(|o| o.format == Format::Json) {
        let json = serde_json::json!({
            "errors": [],
            "warnings": [],
            "failure": message,
        });
        print_out(&(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"));
    }
    eprintln!("lsmc: {message}");
    Status::ToolFailure
}

pub fn explain(code: &str) -> Status {
    let Some(found) = codes::lookup(code) else {
        let known: Vec<&str> = codes::ALL.iter().map(|c| c.id).collect();
        let hint = diagnostics::suggest::did_you_mean(code, known.iter().copied())
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return tool_failure(&format!("unknown diagnostic code `{code}`{hint}"), None);
    };
    match codes::page(found) {
        Some(page) => {
            print_out(page);
            Status::Ok
        }
        None => tool_failure(&format!("{} has no documentation page", found.id), None),
    }
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
