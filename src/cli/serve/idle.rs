//! Connections that stay idle too long are closed: a client that opens a connection and
//! sends nothing, or keeps one alive between requests, holds a socket and a task, and
//! enough of them would exhaust the service's descriptors.
//!
//! Each accepted connection is wrapped in an [`Idle`] stream: any byte read or written
//! moves its deadline; a read or write still waiting when the deadline passes fails with
//! `TimedOut`, and hyper closes the connection.
//!
//! The deadline moves lazily: a byte only notes the time, and the timer, when it fires,
//! is set again to the last activity's deadline if that is still ahead. Resetting the
//! timer on every read and write took the runtime's timer lock several times per
//! request, on every connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// A TCP listener whose connections close after `idle` without a byte either way.
pub struct IdleListener {
    /// Where connections come from.
    pub inner: TcpListener,
    /// How long a connection may stay idle.
    pub idle: Duration,
}

impl Listener for IdleListener {
    type Io = Idle;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Idle, std::net::SocketAddr) {
        let (io, addr) = Listener::accept(&mut self.inner).await;
        let idle = Idle {
            io,
            idle: self.idle,
            last: Instant::now(),
            deadline: Box::pin(tokio::time::sleep(self.idle)),
        };
        (idle, addr)
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection with an idle deadline.
pub struct Idle {
    io: TcpStream,
    idle: Duration,
    /// When a byte last went through.
    last: Instant,
    /// Fires at or before the connection's deadline (`last + idle`).
    deadline: Pin<Box<Sleep>>,
}

impl Idle {
    /// Notes that a byte went through (the deadline follows when the timer fires).
    fn active(&mut self) {
        self.last = Instant::now();
    }

    /// A still-pending read or write past the deadline fails.
    fn check<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        loop {
            match self.deadline.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => {
                    let due = self.last + self.idle;
                    if due <= Instant::now() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "the connection stayed idle past the limit",
                        )));
                    }
                    // Active since the timer was set: wait for the real deadline.
                    self.deadline.as_mut().reset(due);
                }
            }
        }
    }
}

use std::future::Future;

impl AsyncRead for Idle {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.active();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx),
        }
    }
}

impl AsyncWrite for Idle {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    this.active();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    this.active();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.check(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
