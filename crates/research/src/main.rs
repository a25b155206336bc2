//! The research tool's command line. Exit codes: 0 every package accepted, 3 some refused, 2 usage error.

use clap::{Parser, Subcommand};
use digitus_research::{merge, read_study, synth, Error};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "digitus-research", version, about = "Validates and merges Digitus study exports")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks each participant's package (zip or folder) and merges the accepted ones.
    Merge {
        /// Zips, package folders, or folders holding them.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The study file the participants joined.
        #[arg(long)]
        study: PathBuf,
        /// A new or empty folder for the merged study.
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes synthetic participants' zips (benchmarks, tests), exported by Digitus's own code.
    Synth {
        #[arg(long)]
        study: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10)]
        participants: usize,
        #[arg(long, default_value_t = 1000)]
        events: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("digitus-research: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Command::Merge { inputs, study, out } => {
            let study = read_study(&study)?;
            let inputs = merge::expand(&inputs)?;
            if inputs.is_empty() {
                return Err(Error::Usage("no package found in the inputs".into()));
            }
            let report = merge::merge(&study, &inputs, &out, std::io::stderr().is_terminal())?;
            for (file, why) in &report.refused {
                eprintln!("refused {file}: {why}");
            }
            print!("{}", report.summary());
            Ok(if report.refused.is_empty() { 0 } else { 3 })
        }
        Command::Synth { study, out, participants, events, seed } => {
            let study = read_study(&study)?;
            let paths = synth::write(&study, &out, participants, events, seed)?;
            println!("{} packages written to {}", paths.len(), out.display());
            Ok(0)
        }
    }
}
