//! The `liveroom` binary.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

use liveroom_core::time::unix_secs;
use liveroom_core::usersig;
use liveroom_server::{bootstrap, Config};

#[derive(Parser)]
#[command(
    name = "liveroom",
    version,
    about = "Interaction server for live streaming"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (HTTP + WebSocket on 127.0.0.1:8080, data in ./liveroom-data).
    Serve(ServeArgs),
    /// Print a UserSig for a user of an app.
    Usersig {
        #[arg(long)]
        sdkappid: u64,
        /// The app's secret key.
        #[arg(long)]
        key: String,
        #[arg(long)]
        user: String,
        /// Validity in seconds (default 180 days).
        #[arg(long, default_value_t = usersig::DEFAULT_EXPIRE_SECS)]
        expire: u64,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// TOML configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Overrides `http_addr`.
    #[arg(long)]
    http_addr: Option<std::net::SocketAddr>,
    /// Overrides `data_dir`.
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the effective configuration (defaults < file < environment < flags).
    Print(ServeArgs),
}

fn load(args: &ServeArgs) -> Result<Config, String> {
    let mut config = Config::load(args.config.as_deref(), |k| std::env::var(k).ok())?;
    if let Some(a) = args.http_addr {
        config.http_addr = a;
    }
    if let Some(d) = &args.data_dir {
        config.data_dir = d.clone();
    }
    Ok(config)
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Usersig {
            sdkappid,
            key,
            user,
            expire,
        } => {
            println!(
                "{}",
                usersig::generate(sdkappid, &key, &user, expire, unix_secs())
            );
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Print(args),
        } => load(&args).map(|c| print!("{}", c.to_toml())),
        Command::Serve(args) => load(&args).and_then(serve),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("liveroom: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .map_err(|e| format!("log filter {:?}: {e}", config.log))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    // Every connection is a file: take the whole allowance the system grants.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::info!(open_files = n, "open-file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let started = bootstrap::start(&config).await?;
        let listener = tokio::net::TcpListener::bind(config.http_addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.http_addr))?;
        if let Some((app, key, created)) = &started.dev_app {
            println!("{}", bootstrap::banner(&config, *app, key, *created));
        }
        tracing::info!(addr = %config.http_addr, apps = ?started.engine.apps.ids(), "liveroom listening");
        let config = Arc::new(config);
        liveroom_server::run(listener, started.engine, config, shutdown_signal())
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!("liveroom stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
