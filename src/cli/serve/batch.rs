//! `POST /v1/policies/{name}/batch`: JSON Lines in, JSON Lines out, streamed — the batch
//! contract of the command line, run by its own code (`asylon batch`'s single-threaded
//! stream) on a blocking thread, reading the request body as it arrives and sending
//! result lines as they are made. Memory holds a chunk of lines, whatever the size of
//! the body.
//!
//! A body over the limit without a declared length (chunked) is refused with 413 when
//! it goes over before the first result lines are ready, which is always the case for a
//! limit under a chunk of lines (a megabyte). Past that point the answer has begun with
//! 200, and it is broken off instead, so that a client never mistakes a cut answer for
//! a whole one.

use std::io::{self, Read, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use asylon::internal::batch::LineEvaluator;

use super::errors::ApiError;
use super::request::{content_type, options, too_large, within, JSON_LINES};
use super::routes::{batch_query, policy, with_revision, BatchQuery, Chunk};
use super::App;

/// Body parts in flight between the network and the evaluating thread, each way.
const IN_FLIGHT: usize = 8;

/// The handler.
pub async fn batch(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let loaded = policy(&app, &name)?;
    content_type(&headers, JSON_LINES)?;
    let query = batch_query(query)?;
    let limit = app.config.max_batch_body;
    within(&headers, limit)?;
    let options = options(query.as_of.as_deref(), query.lang.as_deref())?;
    let ctx = LineEvaluator::new(loaded.policy.clone(), options, query.compact);

    let (in_tx, in_rx) = mpsc::channel::<Bytes>(IN_FLIGHT);
    let (out_tx, mut out_rx) = mpsc::channel::<Chunk>(IN_FLIGHT);
    let (over_tx, mut over_rx) = tokio::sync::oneshot::channel::<()>();
    let abort = out_tx.clone();
    // The network side: body parts to the evaluating thread, until the limit.
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(Ok(part)) = stream.next().await {
            total += part.len();
            if total > limit {
                // Said before the evaluating thread sees the input end, so that no
                // result line can come first.
                let _ = over_tx.send(());
                let cut = io::Error::other("the body is over the limit");
                let _ = abort.send(Err(cut)).await;
                return;
            }
            if in_tx.send(part).await.is_err() {
                return;
            }
        }
    });
    tokio::task::spawn_blocking(move || {
        let input = Box::new(Incoming {
            rx: in_rx,
            part: Bytes::new(),
        });
        let output = Box::new(Outgoing { tx: out_tx.clone() });
        if let Err(e) = super::super::batch::stream(&ctx, input, output, None) {
            // The client is gone, or the body broke off: nothing to answer to.
            let _ = out_tx.blocking_send(Err(e));
        }
    });
    // The status waits for the first result lines, or for the body to go over the limit.
    let first = tokio::select! {
        biased;
        Ok(()) = &mut over_rx => return Err(too_large(limit)),
        first = out_rx.recv() => first,
    };
    let first = futures_util::stream::iter(first);
    let rest = futures_util::stream::unfold(out_rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let stream = first.chain(rest);
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jsonl"),
    );
    with_revision(&mut response, &loaded);
    Ok(response)
}

/// The request body, for the batch code's reader.
struct Incoming {
    rx: mpsc::Receiver<Bytes>,
    part: Bytes,
}

impl Read for Incoming {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.part.is_empty() {
            match self.rx.blocking_recv() {
                Some(part) => self.part = part,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.part.len());
        buf[..n].copy_from_slice(&self.part.split_to(n));
        Ok(n)
    }
}

/// The response body, for the batch code's writer.
struct Outgoing {
    tx: mpsc::Sender<Chunk>,
}

impl Write for Outgoing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
