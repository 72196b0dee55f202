//! `asylon serve`: the engine as an HTTP decision service (axum on tokio).
//!
//! A thin front end: handlers translate between HTTP and the library's calls, and answer
//! with the same JSON the command line prints. The modules: [`state`] (the policies and
//! their revisions, swapped on reload), [`request`] (bodies and their envelope),
//! [`routes`] and [`batch`] (the endpoints), [`describe`] (a policy's facts and outcomes
//! as JSON), [`errors`] (4xx answers as diagnostic records), [`guard`] (limits, tokens,
//! CORS, the access log), [`idle`] (idle connections closed), [`depth`] (the JSON depth
//! limit), [`metrics`], [`screen`] (the screening page for people).
//!
//! Privacy: the access log has the method, path, status, latency and revision of each
//! request — never facts, never decisions. Only `--decision-log` keeps facts.

mod batch;
mod decisions;
mod depth;
mod describe;
mod envelope;
mod errors;
mod guard;
mod idle;
mod metrics;
mod openapi;
mod request;
mod routes;
mod screen;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use self::metrics::Metrics;
use self::state::Registry;

/// The allocator of the whole `asylon` binary when it can serve: a decision is hundreds
/// of small strings, made on one worker thread and freed on another once the answer is
/// written, where glibc's allocator spent a fifth of the service's time (`perf`, under
/// load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What `asylon serve` was asked to do.
pub struct ServeArgs {
    /// The policies: directories of `.asylon` files, or files.
    pub policies: Vec<String>,
    /// The address to listen on.
    pub listen: String,
    /// Reload a policy when its files change.
    pub watch: bool,
    /// A file holding the bearer token every `/v1` request must carry.
    pub token_file: Option<PathBuf>,
    /// Origins allowed by CORS (none: CORS off).
    pub cors_origins: Vec<String>,
    /// The limits.
    pub config: Config,
    /// No access log.
    pub quiet: bool,
    /// Where to append each evaluation with its facts (off by default).
    pub decision_log: Option<PathBuf>,
    /// Where the screening page's quick exit leads.
    pub quick_exit_url: String,
}

/// The service's limits.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bytes in one request's body (batch aside).
    pub max_body: usize,
    /// Bytes in one batch request's body.
    pub max_batch_body: usize,
    /// Requests handled at once; more are refused with 503 and `Retry-After`.
    pub max_concurrent: usize,
    /// Time to answer one request (a batch: to start answering).
    pub timeout: Duration,
    /// Time a connection may stay idle before it is closed.
    pub idle: Duration,
    /// How deep a request body may nest arrays and objects.
    pub max_json_depth: usize,
}

/// What every handler shares.
pub struct App {
    registry: Registry,
    config: Config,
    metrics: Metrics,
    /// Whether `/v1` routes need a bearer token (the OpenAPI document says so).
    secured: bool,
    /// The opt-in decision log.
    decisions: Option<decisions::DecisionLog>,
}

/// Runs the service until SIGTERM or ctrl-c; requests in flight are finished first.
pub fn run(args: ServeArgs) -> ExitCode {
    if let Err(e) = screen::check_quick_exit(&args.quick_exit_url) {
        super::diagnostics::print(&e, false);
        return ExitCode::from(2);
    }
    let registry = match Registry::load(&args.policies) {
        Ok(r) => r,
        Err(e) => {
            super::diagnostics::print(&e, false);
            return ExitCode::from(1);
        }
    };
    let token = match args
        .token_file
        .as_deref()
        .map(guard::read_token)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => {
            super::diagnostics::print(&e, false);
            return ExitCode::from(2);
        }
    };
    let decisions = match args
        .decision_log
        .as_deref()
        .map(decisions::DecisionLog::open)
    {
        None => None,
        Some(Ok(log)) => Some(log),
        Some(Err(e)) => {
            eprintln!("error: cannot open the decision log: {e}");
            return ExitCode::from(2);
        }
    };
    let app = Arc::new(App {
        registry,
        config: args.config.clone(),
        metrics: Metrics::default(),
        secured: token.is_some(),
        decisions,
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Evaluation recurses (expressions and rule chains, 128 levels at most).
        .thread_stack_size(16 * 1024 * 1024)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the service's threads: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(app, args, token))
}

async fn serve(app: Arc<App>, args: ServeArgs, token: Option<String>) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on `{}`: {e}", args.listen);
            return ExitCode::from(2);
        }
    };
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    if args.watch {
        watch(Arc::clone(&app));
    }
    let router = guard::layers(
        routes::router(Arc::clone(&app))
            .merge(screen::router(Arc::clone(&app), &args.quick_exit_url)),
        Arc::clone(&app),
        guard::Access {
            token,
            cors_origins: args.cors_origins.clone(),
            log: !args.quiet,
        },
    );
    // The first line on stdout, so that scripts and tests started on port 0 find it.
    if let Some(addr) = addr {
        println!("asylon serve: listening on http://{addr}");
    }
    for e in app.registry.entries() {
        eprintln!(
            "asylon serve: {} at {} ({})",
            e.name,
            e.path.display(),
            e.current().revision
        );
    }
    let listener = idle::IdleListener {
        inner: listener,
        idle: args.config.idle,
    };
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown())
        .await;
    match served {
        Ok(()) => {
            eprintln!("asylon serve: stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the service stopped: {e}");
            ExitCode::from(1)
        }
    }
}

/// Resolves on SIGTERM or ctrl-c.
async fn shutdown() {
    let ctrl_c = async {
        // Without a handler there is no ctrl-c to wait for.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    eprintln!("asylon serve: finishing the requests in flight");
}

/// Reloads every policy; the results, logged without any fact.
fn reload_all(app: &App) -> Vec<routes::ReloadResult> {
    let results: Vec<_> = (app.registry.entries().iter())
        .map(|e| routes::reload_one(app, e))
        .collect();
    log_reloads(&results);
    results
}

fn log_reloads(results: &[routes::ReloadResult]) {
    for r in results {
        eprintln!(
            "asylon serve: reload {}: {} ({})",
            r.name, r.result, r.revision
        );
        for e in &r.errors {
            eprintln!("  {}: {}", e.code, e.message);
        }
    }
}

/// Locks `m`; a thread that panicked while holding it left plain data (counts, a
/// reload's diagnostics, file stamps) behind.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How often `--watch` looks at the policies' files.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// `--watch`: a thread that reloads a policy when its files change.
fn watch(app: Arc<App>) {
    let spawned = std::thread::Builder::new()
        .name("asylon-watch".into())
        .stack_size(16 * 1024 * 1024)
        .spawn(move || loop {
            std::thread::sleep(WATCH_EVERY);
            for entry in app.registry.entries() {
                if entry.changed() {
                    log_reloads(&[routes::reload_one(&app, entry)]);
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("error: cannot watch the policies: {e}");
    }
}
