//! `digitus-class`: serves the labour lab and the live class board. See the crate docs and
//! docs/class-api.md.

use clap::Parser;
use digitus_class::classes::Limits;
use digitus_class::files::Sources;
use digitus_class::Config;
use std::path::PathBuf;
use std::time::Duration;

/// Serves the Digitus labour lab (no install needed) and a live, anonymous class board.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on: 127.0.0.1 for this machine only, 0.0.0.0 for the classroom's network.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    port: u16,
    /// The Digitus checkout holding www/ and extension/ (default: the current folder if it has www/,
    /// else the checkout this binary was built from).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Where scripts/build.sh put build/ and dist/ (default: the checkout).
    #[arg(long, env = "DIGITUS_OUT")]
    out: Option<PathBuf>,
    /// Most classes open at once.
    #[arg(long, default_value_t = Limits::default().max_classes)]
    max_classes: usize,
    /// Most students in one class.
    #[arg(long, default_value_t = Limits::default().max_students)]
    max_students: usize,
    /// Hours a class stays open (everything it holds is then forgotten).
    #[arg(long, default_value_t = 3.0)]
    class_hours: f64,
    /// Units of labour per second one student may send, sustained (humans do a few).
    #[arg(long, default_value_t = Limits::default().student_rate)]
    student_rate: f64,
    /// Units of labour one student may send at once.
    #[arg(long, default_value_t = Limits::default().student_burst)]
    student_burst: f64,
}

fn default_root() -> PathBuf {
    let here = PathBuf::from(".");
    if here.join("www/index.html").is_file() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    // Written so that NaN fails every check.
    let valid = (args.class_hours > 0.0 && args.class_hours <= 48.0) && args.student_rate >= 0.0 && args.student_burst >= 1.0;
    if !valid {
        eprintln!("digitus-class: --class-hours must be within (0, 48], --student-rate ≥ 0, --student-burst ≥ 1");
        return std::process::ExitCode::from(2);
    }
    let root = args.root.unwrap_or_else(default_root);
    let root = root.canonicalize().unwrap_or(root);
    let out = args.out.unwrap_or_else(|| root.clone());
    let config = Config {
        sources: Sources { root, out },
        limits: Limits {
            max_classes: args.max_classes,
            max_students: args.max_students,
            class_lifetime: Duration::from_secs_f64(args.class_hours * 3600.0),
            student_rate: args.student_rate,
            student_burst: args.student_burst,
            ..Limits::default()
        },
    };
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("digitus-class: cannot listen on {}:{}: {e}", args.host, args.port);
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let shown = addr.replace("127.0.0.1", "localhost");
    // Tests and scripts read this first line to learn the port. A closed stdout (the reader went away)
    // must not stop the class, so write errors are ignored.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "digitus-class listening on http://{addr}/");
        let _ = writeln!(out, "  lab: http://{shown}/    board: http://{shown}/board    (Ctrl+C to stop)");
        let _ = out.flush();
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match digitus_class::serve(listener, config, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("digitus-class: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
