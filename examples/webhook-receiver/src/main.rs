//! Runs the example webhook receiver; see the library documentation for what it does and
//! how to point Liveroom at it.

use clap::builder::NonEmptyStringValueParser;
use clap::Parser;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;
use webhook_receiver::{router, AppState, Config};

/// Example Liveroom webhook receiver: a keyword lucky draw, message statistics and
/// optional moderation. Point the app's webhook URL at http://<listen>/im.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// The app's webhook token: when given, callbacks without a valid Sign or with a
    /// RequestTime more than 60 s off are refused.
    #[arg(long, env = "WEBHOOK_RECEIVER_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Accept callbacks for this SDKAppID only.
    #[arg(long)]
    sdkappid: Option<u64>,
    /// A message text containing this enters its sender in the room's lucky draw.
    #[arg(long, default_value = "666", value_parser = NonEmptyStringValueParser::new())]
    keyword: String,
    /// Reject messages whose text contains WORD (repeatable).
    #[arg(long, value_name = "WORD", value_parser = NonEmptyStringValueParser::new())]
    block: Vec<String>,
    /// Replace WORD with one '*' per character in message texts (repeatable).
    #[arg(long, value_name = "WORD", value_parser = NonEmptyStringValueParser::new())]
    mask: Vec<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let args = Args::parse();
    if args.token.is_none() {
        tracing::warn!("no --token: callbacks are not authenticated");
    }
    let state = AppState::new(Config {
        token: args.token,
        sdkappid: args.sdkappid,
        keyword: args.keyword,
        block: args.block,
        mask: args.mask,
    });

    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!("webhook URL http://{addr}/im; draw at /draw?GroupId=..., statistics at /stats");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            // If the signal cannot be watched, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
}
