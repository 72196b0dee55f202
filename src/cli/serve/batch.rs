//! `POST /v1/policies/{name}/batch`: JSON Lines in, JSON Lines out, streamed — the batch
//! contract of the command line, run by its own code (`asylon batch`'s single-threaded
//! stream) on a blocking thread, reading the request body as it arrives and sending
//! result lines as they are made. Memory holds a chunk of lines, whatever the size of
//! the body.

use std::io::{self, Read, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use asylon::internal::compile::lines::LineEvaluator;

use super::errors::ApiError;
use super::request::{content_type, options, within, JSON_LINES};
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
    let (out_tx, out_rx) = mpsc::channel::<Chunk>(IN_FLIGHT);
    // The network side: body parts to the evaluating thread, until the limit.
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(Ok(part)) = stream.next().await {
            total += part.len();
            if total > limit || in_tx.send(part).await.is_err() {
                // Over the limit: the result lines stop where the input was cut.
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
    let stream = futures_util::stream::unfold(out_rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
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
