//! `bedrock-alerts`: the alert engine on the command line.

mod args;
mod inputs;
mod jobs;
mod scan;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match cli.command {
        args::Command::Scan(args) => scan::run(args).await,
    }
}
