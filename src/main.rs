//! The `lsmc` command line: the only part of lsmc that touches the file system and the terminal.
//!
//! Exit codes: 0 no error, 1 the model has errors, 2 lsmc could not do its job (bad arguments, a
//! path that can not be read).

mod cli;
mod server;

// lsmc allocates many small values (instances, cells, syntax nodes): mimalloc is much faster at
// that than the system allocator. Without the feature (`--no-default-features`), heap profilers
// that watch malloc see every allocation.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "lsmc",
    version,
    about = "Check, compile and export Inmanta models with LSM services",
    after_help = "Outputs: a command's output (dump, catalog, schema, drawing, syntax tree) goes to its \
                  file (-o, --dump) or to stdout (-); diagnostics go to --diagnostics FILE, else \
                  text to stderr, and --format json to stdout unless the output is there (then \
                  stderr). A successful run ends with one `ok:` line on stderr unless --quiet.\n\
                  Exit codes: 0 no error, 1 the model has errors, 2 lsmc could not run."
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct OutputOptions {
    /// How diagnostics are written: text for people (stderr), json for tools (stdout, or stderr
    /// when the command's output is on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Colour in text diagnostics [default: auto: colour on a terminal unless NO_COLOR is set].
    #[arg(long, value_enum)]
    color: Option<ColorChoice>,
    /// Write the diagnostics (in --format) to this file instead, whole or not at all.
    #[arg(long, value_name = "FILE")]
    diagnostics: Option<std::path::PathBuf>,
    /// No summary line (`ok: ...`) on stderr when the command succeeds.
    #[arg(long, short)]
    quiet: bool,
}

impl OutputOptions {
    /// A flag that does nothing is an error: colour applies to text diagnostics on a terminal.
    fn unused_flag(&self) -> Option<String> {
        let color = self.color?;
        if self.format == Format::Json {
            let name = match color {
                ColorChoice::Auto => "auto",
                ColorChoice::Always => "always",
                ColorChoice::Never => "never",
            };
            return Some(format!(
                "--color {name} does nothing with --format json: JSON has no colour"
            ));
        }
        None
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a project (a folder with main.cf) or one .cf file, and report every error.
    Check {
        /// The project folder (with main.cf, and project.yml for the module path) or .cf file.
        #[arg(default_value = ".")]
        path: std::path::PathBuf,
        /// A virtual environment or site-packages folder with v2 modules (repeatable).
        #[arg(long = "python-path")]
        python_path: Vec<std::path::PathBuf>,
        /// The Python interpreter or virtual environment of the project (for `-v`).
        #[arg(long, value_name = "PY")]
        python: Option<std::path::PathBuf>,
        /// Say which modules were read from where, which copies of std/lsm were ignored, and
        /// which Python environment would run plugins.
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Evaluate a project over a service inventory and report every error.
    Compile {
        #[command(flatten)]
        args: cli::compile::CompileArgs,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Export the service catalog of a project (catalog-format JSON), written atomically.
    Export {
        #[command(flatten)]
        args: cli::export::ExportArgs,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Print the JSON Schema of a service version (the API's attribute schema).
    Schema {
        /// The service entity name (`service_entity_name` of its binding).
        name: String,
        /// The version (default: the service's default version).
        #[arg(long)]
        version: Option<i64>,
        /// The project folder or .cf file.
        #[arg(default_value = ".")]
        path: std::path::PathBuf,
        /// Write the schema to this file, whole or not at all (`-`: standard output).
        #[arg(short = 'o', long = "output", value_name = "FILE", default_value = "-")]
        out: std::path::PathBuf,
        /// A virtual environment or site-packages folder with v2 modules (repeatable).
        #[arg(long = "python-path")]
        python_path: Vec<std::path::PathBuf>,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Validate a service instance's attribute set against a service version: its JSON Schema
    /// and the attribute modifiers (create, update, or migration to another version).
    ValidateInstance {
        #[command(flatten)]
        args: cli::validate::ValidateArgs,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Draw a lifecycle (`lsm::fsm::simple`, or a lifecycle variable of the project) as Graphviz.
    Lifecycle {
        /// A top-level variable holding the lifecycle (`lsm::fsm::service`, `my_lifecycle`) or
        /// the lifecycle's name (`lsm::simple`).
        name: String,
        /// The project folder or .cf file (without main.cf: the built-in lsm::fsm lifecycles).
        #[arg(default_value = ".")]
        path: std::path::PathBuf,
        /// dot: the DOT text; svg: rendered by Graphviz `dot` (must be installed).
        #[arg(long, value_enum, default_value_t = cli::export::Drawing::Dot)]
        format: cli::export::Drawing,
        /// Write the drawing to this file, whole or not at all (`-`: standard output).
        #[arg(short = 'o', long = "output", value_name = "FILE", default_value = "-")]
        out: std::path::PathBuf,
        /// A virtual environment or site-packages folder with v2 modules (repeatable).
        #[arg(long = "python-path")]
        python_path: Vec<std::path::PathBuf>,
    },
    /// Parse the given files only (imports are not followed) and report their syntax errors.
    Parse {
        /// The .cf files to parse, each on its own.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
        /// Print the syntax tree as JSON (one file: its tree; several: a list).
        #[arg(long)]
        ast: bool,
        /// Write the syntax tree to this file, whole or not at all (`-`: standard output).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Print the documentation of a diagnostic code; without one, list every code.
    Explain {
        /// A code (E0002) or its name (unexpected-token).
        code: Option<String>,
    },
    /// Run the language server (Language Server Protocol over stdin and stdout) for editors.
    Lsp,
}

impl Command {
    /// The output options of the command, where it has them.
    fn output(&self) -> Option<&OutputOptions> {
        match self {
            Command::Check { output, .. }
            | Command::Compile { output, .. }
            | Command::Export { output, .. }
            | Command::Schema { output, .. }
            | Command::ValidateInstance { output, .. }
            | Command::Parse { output, .. } => Some(output),
            Command::Lifecycle { .. } | Command::Explain { .. } | Command::Lsp => None,
        }
    }

    /// A flag that does nothing, or outputs that would share standard output, are an error
    /// rather than ignored: its message.
    fn unused_flag(&self) -> Option<String> {
        match self {
            Command::Compile { args, .. } if args.config_only && args.dump.is_none() => Some(
                "--config-only does nothing without --dump: add `--dump FILE` (or `--dump -`)"
                    .to_string(),
            ),
            Command::Compile { args, .. } if args.check_inventory && args.inventory.is_none() => {
                Some(
                    "--check-inventory does nothing without --inventory: add `--inventory FILE`"
                        .to_string(),
                )
            }
            Command::Export { args, .. }
                if args.output.as_os_str() == "-"
                    && args.schemas.as_ref().is_some_and(|s| s.as_os_str() == "-") =>
            {
                Some(
                    "-o - and --schemas - would write two documents to standard output: \
                     give one of them a file"
                        .to_string(),
                )
            }
            Command::Parse {
                ast: false,
                out: Some(_),
                ..
            } => Some(
                "-o does nothing without --ast: parse writes a syntax tree only with --ast"
                    .to_string(),
            ),
            Command::Lifecycle {
                path, python_path, ..
            } if !python_path.is_empty() && !path.is_file() && !path.join("main.cf").is_file() => {
                Some(format!(
                    "--python-path does nothing without a project: {} has no main.cf, and the \
                     built-in lifecycles import no module",
                    path.display()
                ))
            }
            _ => self.output().and_then(OutputOptions::unused_flag),
        }
    }
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the bindings do not name it; the test
/// below checks the number against the option's default).
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Memory freed while reading the inventory goes back to the system at once rather than a
    // second later: a few MiB less at the peak, no measurable cost.
    #[cfg(feature = "mimalloc")]
    // SAFETY: setting an option is a store into mimalloc's option table.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    };
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => {
                    // A tool that asked for JSON reads a JSON document, also here.
                    let raw: Vec<String> = std::env::args().collect();
                    if json_asked(&raw) {
                        let text = cli::failure_json(&clap_message(&error));
                        match option_value(&raw, "--diagnostics") {
                            Some(path) => {
                                let written = cli::compile::write_output(path.as_ref(), &text);
                                if let Err(message) = written {
                                    eprintln!("lsmc: {message}");
                                }
                            }
                            None => cli::print_out(&text),
                        }
                    }
                    ExitCode::from(2)
                }
            };
        }
    };
    // The stages after the parser recurse over the syntax tree, whose depth the parser bounds
    // (`lsmc::parser::depth::MAX_NESTING`): a stack of known size holds it in any build. The
    // usual 8 MiB main stack is enough (tests/robustness.rs runs the limit on one); a smaller one
    // gets a thread of its own, which costs about half a MiB more at 10,000 services.
    if main_stack_bytes().is_some_and(|bytes| bytes >= MAIN_STACK_ENOUGH) {
        return ExitCode::from(run(args));
    }
    let args = std::sync::Mutex::new(Some(args));
    let take = || args.lock().ok().and_then(|mut a| a.take());
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("lsmc".into())
            .stack_size(PIPELINE_STACK)
            .spawn_scoped(scope, || take().map(run))
            .ok()
            .map(|thread| thread.join())
    });
    match spawned {
        Some(Ok(Some(status))) => ExitCode::from(status),
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread could be started: the main stack it is.
        _ => ExitCode::from(take().map_or(2, run)),
    }
}

/// The stack of the thread that runs a command when the main one is small.
const PIPELINE_STACK: usize = 64 * 1024 * 1024;

/// The main stack that holds the deepest tree the parser lets through.
const MAIN_STACK_ENOUGH: u64 = 8 * 1024 * 1024;

/// The main thread's stack limit (the soft `RLIMIT_STACK`), where the system tells it;
/// `u64::MAX` when unlimited.
fn main_stack_bytes() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max stack size"))?;
    let soft = line.split_whitespace().nth(3)?;
    if soft == "unlimited" {
        return Some(u64::MAX);
    }
    soft.parse().ok()
}

/// `--format json` (or `--format=json`) among the arguments, read before they are understood.
fn json_asked(args: &[String]) -> bool {
    option_value(args, "--format") == Some("json")
}

/// The value of `--name VALUE` or `--name=VALUE` among the arguments.
fn option_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == name {
            args.get(i + 1).map(String::as_str)
        } else {
            arg.strip_prefix(name)?.strip_prefix('=')
        }
    })
}

/// clap's error on one line, without its usage and advice: `the following required arguments
/// were not provided: --dump <DUMP>`.
fn clap_message(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let message = lines.join(" ");
    message
        .strip_prefix("error: ")
        .unwrap_or(&message)
        .to_string()
}

fn run(args: Args) -> u8 {
    if let Some(message) = args.command.unused_flag() {
        let output = args.command.output();
        return cli::tool_failure(&message, output) as u8;
    }
    let status = match args.command {
        Command::Check {
            path,
            python_path,
            python,
            verbose,
            output,
        } => cli::check::run(&path, &python_path, python.as_deref(), verbose, &output),
        Command::Compile { args, output } => cli::compile::run(&args, &output),
        Command::Export { args, output } => cli::export::run(&args, &output),
        Command::ValidateInstance { args, output } => cli::validate::run(&args, &output),
        Command::Schema {
            name,
            version,
            path,
            out,
            python_path,
            output,
        } => cli::export::schema(&name, version, &path, &out, &python_path, &output),
        Command::Lifecycle {
            name,
            path,
            format,
            out,
            python_path,
        } => cli::export::lifecycle(&name, &path, format, &out, &python_path),
        Command::Parse {
            files,
            ast,
            out,
            output,
        } => cli::parse::run(&files, ast, out.as_deref(), &output),
        Command::Explain { code } => cli::explain(code.as_deref()),
        Command::Lsp => server::run(),
    };
    status as u8
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    /// The option number is mimalloc's purge delay: its default in mimalloc 3 is 1000 (ms).
    #[test]
    fn purge_delay_option_number() {
        // SAFETY: reading an option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
