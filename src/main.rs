//! The `lsmc` command line: the only part of lsmc that touches the file system and the terminal.
//!
//! Exit codes: 0 no error, 1 the model has errors, 2 lsmc could not do its job (bad arguments, a
//! path that can not be read).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "lsmc",
    version,
    about = "Check, compile and export Inmanta models with LSM services"
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
    /// How diagnostics are written: text for people (stderr), json for tools (stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Colour in text output: auto uses colour on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Check a project (a folder with main.cf) or one .cf file, and report every error.
    Check {
        /// The project folder or .cf file.
        #[arg(default_value = ".")]
        path: std::path::PathBuf,
        /// A virtual environment or site-packages folder with v2 modules (repeatable).
        #[arg(long = "python-path")]
        python_path: Vec<std::path::PathBuf>,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Parse the given files only (imports are not followed) and report their syntax errors.
    Parse {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Print the syntax tree as JSON.
        #[arg(long)]
        ast: bool,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Print the documentation of a diagnostic code (E0002) or name (unexpected-token).
    Explain { code: String },
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    let status = match args.command {
        Command::Check {
            path,
            python_path,
            output,
        } => cli::check::run(&path, &python_path, &output),
        Command::Parse { files, ast, output } => cli::parse::run(&files, ast, &output),
        Command::Explain { code } => cli::explain(&code),
    };
    ExitCode::from(status as u8)
}
