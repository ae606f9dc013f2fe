//! ocr-edge-emulator: a local stand-in for the six cloud endpoints (Huawei
//! OCR, CSMS, APIG; Tencent OCR) with real authentication, documented
//! validation and errors, state, and faults on demand.
//!
//! `ocr-edge-emulator --listen 127.0.0.1:0` prints `listening on
//! http://HOST:PORT` as its first line. See README.md for flags and config.
#![forbid(unsafe_code)]

mod auth;
mod config;
mod cors;
mod envelope;
mod faults;
mod ids;
mod log;
mod request;
mod routes;
mod server;
mod state;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use config::Config;

const USAGE: &str = "usage: ocr-edge-emulator [--listen ADDR] [--config FILE] [--tencent-offline]
                         [--cors-origin ORIGIN]... [--fault ROUTE=SPEC]... [--quiet]
  --listen ADDR         address to bind (default 127.0.0.1:8787; port 0 picks one)
  --config FILE         JSON settings (see README.md); flags override it
  --tencent-offline     answer both Tencent actions with ActionOffline
  --cors-origin ORIGIN  allow this origin (repeatable; '*' for any); default: loopback origins
  --fault ROUTE=SPEC    standing fault, e.g. RecognizeQuotaInvoice=status=503;times=2
  --quiet               no request log on stderr";

/// Flags as given, applied over the config file.
#[derive(Default)]
struct Flags {
    listen: Option<String>,
    config: Option<PathBuf>,
    tencent_offline: bool,
    cors: Vec<String>,
    faults: Vec<(String, String)>,
    quiet: bool,
}

fn parse_flags(args: impl Iterator<Item = String>) -> Result<Flags, String> {
    let mut flags = Flags::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") && n != "--fault" => {
                (n.to_owned(), Some(v.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline.clone().or_else(|| args.next()).ok_or(format!("{what} needs a value"))
        };
        match name.as_str() {
            "--listen" => flags.listen = Some(value("--listen")?),
            "--config" => flags.config = Some(PathBuf::from(value("--config")?)),
            "--tencent-offline" => flags.tencent_offline = true,
            "--cors-origin" => flags.cors.push(value("--cors-origin")?),
            "--fault" => {
                let v = value("--fault")?;
                let (route, spec) = v.split_once('=').ok_or("--fault takes ROUTE=SPEC")?;
                faults::parse(spec).map_err(|e| format!("--fault {route}: {e}"))?;
                flags.faults.push((route.to_owned(), spec.to_owned()));
            }
            "--quiet" => flags.quiet = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(flags)
}

fn build_config(flags: Flags) -> Result<Config, String> {
    let mut config = match &flags.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    if let Some(listen) = flags.listen {
        config.listen = listen;
    }
    config.tencent_offline |= flags.tencent_offline;
    config.cors_origins.extend(flags.cors);
    config.faults.extend(flags.faults);
    if flags.quiet {
        config.log = false;
    }
    for (route, spec) in &config.faults {
        faults::parse(spec).map_err(|e| format!("fault for {route}: {e}"))?;
    }
    Ok(config.with_dev_defaults())
}

fn main() -> std::process::ExitCode {
    let config = match parse_flags(std::env::args().skip(1)).and_then(build_config) {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let listener = server::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = Arc::new(state::State::new(config)?);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{addr}");
        let _ = out.flush();
    }
    tokio::select! {
        () = server::serve(listener, state) => {}
        _ = shutdown() => {}
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
