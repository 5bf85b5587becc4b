use std::process::ExitCode;

use tapedeck_collector::cli::{self, Command, USAGE};

fn main() -> ExitCode {
    let config = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!(
                "tapedeck-collector: {message}\n(tapedeck-collector --help lists the options)"
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tapedeck-collector: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tapedeck-collector: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: cli::Config) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", config.host, config.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("tapedeck-collector: listening on http://{addr}");
    eprintln!("  POST http://{addr}/ingest   GET http://{addr}/api/sessions");
    eprintln!("  data in {}", config.data_dir.display());
    if let Some(dir) = &config.static_dir {
        eprintln!("  files of {} at http://{addr}/", dir.display());
    }
    let shutdown = async {
        // If the signal handler cannot be installed, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        eprintln!("tapedeck-collector: stopping");
    };
    tapedeck_collector::serve(listener, config, shutdown).await
}
