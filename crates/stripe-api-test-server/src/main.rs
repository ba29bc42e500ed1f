//! `stripe-api-test-server [--listen 127.0.0.1:12111]`: serves the test server until
//! interrupted, after printing its base URL (the value for `STRIPE_API_BASE`) on stdout.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use stripe_api_test_server::TestServer;

/// A local stand-in for the part of the Stripe API that stripe-receiver calls.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:12111")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match TestServer::bind(args.listen).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!(
                "stripe-api-test-server: cannot listen on {}: {error}",
                args.listen
            );
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", server.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("stripe-api-test-server: cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    drop(server);
    ExitCode::SUCCESS
}
