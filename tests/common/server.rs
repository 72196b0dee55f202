//! A running `asylon serve` on a loopback port, as its clients meet it: the real binary,
//! plain HTTP. For the tests of the service (`tests/serve.rs`) and of its screening page
//! (`tests/screen.rs`).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// A running service; stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts `asylon serve ARGS --listen 127.0.0.1:0` from the package root and reads
    /// the address it printed. ARGS name the policies and the options (`--quiet` for no
    /// access log).
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the asylon binary runs");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the service prints its address");
        let addr = (line.trim().rsplit("http://").next())
            .expect("the line ends with the address")
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "printed {line:?}");
        Server { child, addr }
    }

    /// The URL of `path` on it.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A GET with `headers`; a redirect comes back as it is, not followed.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let mut request = agent.get(&self.url(path));
        for (k, v) in headers {
            request = request.set(k, v);
        }
        Answer::of(request.call())
    }

    /// A POST of `body` as `content_type`, with `headers`.
    pub fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = ureq::post(&self.url(path)).set("Content-Type", content_type);
        for (k, v) in headers {
            request = request.set(k, v);
        }
        Answer::of(request.send_string(body))
    }

    /// A POST of JSON.
    pub fn post_json(&self, path: &str, body: &str) -> Answer {
        self.post(path, "application/json", body, &[])
    }

    /// A form posted as a browser posts it.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        Answer::of(ureq::post(&self.url(path)).send_form(fields))
    }

    /// Stops it; its stderr (the access log).
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr()
    }

    /// Stops it with SIGTERM; its exit code and stderr.
    #[cfg(unix)]
    pub fn terminate(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let status = self.child.wait().expect("the service exits");
        (status.code(), self.stderr())
    }

    fn stderr(&mut self) -> String {
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What came back.
pub struct Answer {
    pub status: u16,
    /// The `asylon-revision` header.
    pub revision: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The answer to a request, whatever its status.
    pub fn of(result: Result<ureq::Response, ureq::Error>) -> Answer {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("no answer: {e}"),
        };
        let headers = (response.headers_names().into_iter())
            .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
            .collect();
        Answer {
            status: response.status(),
            revision: response.header("asylon-revision").map(String::from),
            headers,
            body: response.into_string().expect("a text body"),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The code of the first error record.
    pub fn code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error record: {}", self.body))
            .to_string()
    }
}
