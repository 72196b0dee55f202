//! `asylon lsp`: the language server, over stdio. It keeps the open buffers, asks the
//! library's analysis (`asylon::analysis`) and answers in the protocol's terms; every
//! diagnostic, hover text and rename comes from the library.
//!
//! Commands (`workspace/executeCommand`), which the code lenses carry:
//! - `asylon.runTests [uri, name?]`: runs one test or all; the results become
//!   diagnostics until the next edit; answers `{"passed": N, "failed": N}`.
//! - `asylon.evaluate [uri, outcome, factsPath?, asOf?]`: evaluates an outcome against
//!   the policy's first test, or a fact file (as of `asOf`, default today); shows the
//!   result and answers `{"outcome", "status", "missing", "against"}`.

mod convert;
mod workspace;

use std::process::ExitCode;

use asylon::analysis::{FactsInput, LensKind};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::{json, Value};

use workspace::Workspace;

/// The command that runs tests.
const RUN_TESTS: &str = "asylon.runTests";
/// The command that evaluates an outcome.
const EVALUATE: &str = "asylon.evaluate";
/// The editor's own command that asks for a fact file, then runs [`EVALUATE`].
const EVALUATE_WITH_FACTS: &str = "asylon.evaluateWithFacts";

/// Serves the protocol on stdin and stdout until the client says `exit`.
pub fn run() -> ExitCode {
    let (connection, io) = Connection::stdio();
    let served = serve(&connection);
    // The writer thread ends once the connection's sender is dropped.
    drop(connection);
    let joined = io.join();
    match (served, joined) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) => {
            eprintln!("error: asylon lsp: {e}");
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            eprintln!("error: asylon lsp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::token_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: Default::default(),
                },
            ),
        ),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![RUN_TESTS.into(), EVALUATE.into()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

fn serve(connection: &Connection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let caps = serde_json::to_value(capabilities())?;
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        json!({
            "capabilities": caps,
            "serverInfo": {"name": "asylon", "version": env!("CARGO_PKG_VERSION")}
        }),
    )?;
    let mut server = Server {
        connection,
        workspace: Workspace::default(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let id = req.id.clone();
                let response = match server.request(req) {
                    Ok(result) => Response::new_ok(id, result),
                    Err(Failure(code, message)) => Response::new_err(id, code as i32, message),
                };
                connection.sender.send(response.into())?;
            }
            Message::Notification(n) => server.notification(n)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// A request that has no answer: the protocol's error code and why.
struct Failure(ErrorCode, String);

impl Failure {
    fn params(e: impl std::fmt::Display) -> Failure {
        Failure(ErrorCode::InvalidParams, e.to_string())
    }
    fn failed(e: impl std::fmt::Display) -> Failure {
        Failure(ErrorCode::RequestFailed, e.to_string())
    }
}

struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
}

type Sent = Result<(), Box<dyn std::error::Error + Send + Sync>>;

impl Server<'_> {
    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) -> Sent {
        let n = Notification::new(N::METHOD.to_string(), params);
        self.connection.sender.send(n.into())?;
        Ok(())
    }

    /// Publishes the diagnostics of every file of a file's policy.
    fn publish(&mut self, path: &std::path::Path) -> Sent {
        let Some(state) = self.workspace.policy(path) else {
            return Ok(());
        };
        for params in state.diagnostics() {
            self.notify::<lsp::notification::PublishDiagnostics>(params)?;
        }
        Ok(())
    }

    fn notification(&mut self, n: Notification) -> Sent {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some(path) = convert::path_of(&p.text_document.uri) {
                    self.workspace.set_open(path.clone(), p.text_document.text);
                    self.workspace.refresh(&path);
                    self.publish(&path)?;
                }
            }
            DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                // Full sync: the last change is the whole text.
                if let (Some(path), Some(change)) = (
                    convert::path_of(&p.text_document.uri),
                    p.content_changes.into_iter().last(),
                ) {
                    self.workspace.set_open(path.clone(), change.text);
                    self.workspace.refresh(&path);
                    self.publish(&path)?;
                }
            }
            DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some(path) = convert::path_of(&p.text_document.uri) {
                    self.workspace.close(&path);
                    self.workspace.refresh(&path);
                    self.publish(&path)?;
                }
            }
            DidSaveTextDocument::METHOD => {
                let p: lsp::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some(path) = convert::path_of(&p.text_document.uri) {
                    self.workspace.refresh(&path);
                    self.publish(&path)?;
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let p: lsp::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                for change in p.changes {
                    if let Some(path) = convert::path_of(&change.uri) {
                        self.workspace.refresh(&path);
                        self.publish(&path)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        use lsp::request::*;
        let params = req.params;
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp::HoverParams = parse(params)?;
                let (a, file, at) = self.at(&p.text_document_position_params)?;
                let hover = a.hover(file, at).map(|h| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: h.markdown,
                    }),
                    range: Some(convert::range(&a, h.span)),
                });
                answer(&hover)
            }
            GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = parse(params)?;
                let (a, file, at) = self.at(&p.text_document_position_params)?;
                let places: Vec<_> = a
                    .definition(file, at)
                    .into_iter()
                    .filter_map(|s| convert::location(&a, s))
                    .collect();
                answer(&lsp::GotoDefinitionResponse::Array(places))
            }
            References::METHOD => {
                let p: lsp::ReferenceParams = parse(params)?;
                let (a, file, at) = self.at(&p.text_document_position)?;
                let places: Vec<_> = a
                    .references(file, at, p.context.include_declaration)
                    .into_iter()
                    .filter_map(|s| convert::location(&a, s))
                    .collect();
                answer(&places)
            }
            PrepareRenameRequest::METHOD => {
                let p: lsp::TextDocumentPositionParams = parse(params)?;
                let (a, file, at) = self.at(&p)?;
                let (span, text) = a.prepare_rename(file, at).map_err(Failure::failed)?;
                answer(&lsp::PrepareRenameResponse::RangeWithPlaceholder {
                    range: convert::range(&a, span),
                    placeholder: text,
                })
            }
            Rename::METHOD => {
                let p: lsp::RenameParams = parse(params)?;
                let (a, file, at) = self.at(&p.text_document_position)?;
                let edits = a.rename(file, at, &p.new_name).map_err(Failure::failed)?;
                answer(&convert::workspace_edit(&a, &edits))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                let symbols: Vec<_> = a
                    .outline(file)
                    .iter()
                    .map(|o| document_symbol(&a, o))
                    .collect();
                answer(&lsp::DocumentSymbolResponse::Nested(symbols))
            }
            WorkspaceSymbolRequest::METHOD => {
                let p: lsp::WorkspaceSymbolParams = parse(params)?;
                let mut out = Vec::new();
                for a in self.workspace.analyses() {
                    for (name, kind, span) in a.workspace_symbols(&p.query) {
                        if let Some(location) = convert::location(a, span) {
                            #[expect(
                                deprecated,
                                reason = "the protocol's struct still has the field"
                            )]
                            out.push(lsp::SymbolInformation {
                                name,
                                kind: convert::symbol_kind(kind),
                                tags: None,
                                deprecated: None,
                                location,
                                container_name: None,
                            });
                        }
                    }
                }
                answer(&out)
            }
            FoldingRangeRequest::METHOD => {
                let p: lsp::FoldingRangeParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                let folds: Vec<_> = a
                    .folds(file)
                    .into_iter()
                    .map(|f| {
                        let r = convert::range(&a, f.span);
                        lsp::FoldingRange {
                            start_line: r.start.line,
                            end_line: r.end.line,
                            kind: Some(if f.comment {
                                lsp::FoldingRangeKind::Comment
                            } else {
                                lsp::FoldingRangeKind::Region
                            }),
                            ..Default::default()
                        }
                    })
                    .collect();
                answer(&folds)
            }
            Completion::METHOD => {
                let p: lsp::CompletionParams = parse(params)?;
                let (a, file, at) = self.at(&p.text_document_position)?;
                let items: Vec<_> = a
                    .complete(file, at)
                    .into_iter()
                    .map(|c| {
                        let snippet = c.kind == asylon::analysis::CompletionKind::Snippet;
                        lsp::CompletionItem {
                            label: c.label,
                            kind: Some(convert::completion_kind(c.kind)),
                            detail: c.detail,
                            insert_text_format: Some(if snippet {
                                lsp::InsertTextFormat::SNIPPET
                            } else {
                                lsp::InsertTextFormat::PLAIN_TEXT
                            }),
                            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                                convert::range(&a, c.replace),
                                c.insert,
                            ))),
                            ..Default::default()
                        }
                    })
                    .collect();
                answer(&lsp::CompletionResponse::Array(items))
            }
            Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                let edits = a.format(file).map(|text| {
                    let all = asylon::internal::source::Span::new(file, 0, a.text(file).len());
                    vec![lsp::TextEdit::new(convert::range(&a, all), text)]
                });
                answer(&edits)
            }
            SemanticTokensFullRequest::METHOD => {
                let p: lsp::SemanticTokensParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                answer(&lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
                    result_id: None,
                    data: convert::tokens(&a, file),
                }))
            }
            CodeLensRequest::METHOD => {
                let p: lsp::CodeLensParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                let uri = p.text_document.uri.to_string();
                let mut lenses = Vec::new();
                for lens in a.lenses(file) {
                    let range = convert::range(&a, lens.span);
                    let mut add = |title: &str, command: &str, arguments: Vec<Value>| {
                        lenses.push(lsp::CodeLens {
                            range,
                            command: Some(lsp::Command::new(
                                title.into(),
                                command.into(),
                                Some(arguments),
                            )),
                            data: None,
                        })
                    };
                    match lens.kind {
                        LensKind::RunAllTests => {
                            add("▶ Run all tests", RUN_TESTS, vec![json!(uri)])
                        }
                        LensKind::RunTest(name) => {
                            add("▶ Run test", RUN_TESTS, vec![json!(uri), json!(name)])
                        }
                        LensKind::Evaluate(outcome) => {
                            add("Evaluate", EVALUATE, vec![json!(uri), json!(outcome)]);
                            add(
                                "Evaluate with facts…",
                                EVALUATE_WITH_FACTS,
                                vec![json!(uri), json!(outcome)],
                            );
                        }
                    }
                }
                answer(&lenses)
            }
            CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = parse(params)?;
                let (a, file) = self.document(&p.text_document.uri)?;
                let start = convert::offset(&a, file, p.range.start);
                let end = convert::offset(&a, file, p.range.end);
                let actions: Vec<_> = a
                    .fixes(file, start, end, &[])
                    .into_iter()
                    .map(|fix| {
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: fix.title,
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![convert::diagnostic(&a, &fix.problem)]),
                            edit: Some(convert::workspace_edit(&a, &fix.edits)),
                            is_preferred: Some(true),
                            ..Default::default()
                        })
                    })
                    .collect();
                answer(&actions)
            }
            ExecuteCommand::METHOD => {
                let p: lsp::ExecuteCommandParams = parse(params)?;
                self.command(&p.command, &p.arguments)
            }
            _ => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("`{}` is not supported", req.method),
            )),
        }
    }

    fn command(&mut self, command: &str, args: &[Value]) -> Result<Value, Failure> {
        let arg = |i: usize| args.get(i).and_then(Value::as_str);
        let uri =
            arg(0).ok_or_else(|| Failure::params("the first argument is the policy file's URI"))?;
        let uri = lsp::Url::parse(uri).map_err(Failure::params)?;
        let path = convert::path_of(&uri).ok_or_else(|| Failure::params("not a file URI"))?;
        let (a, _) = self.document(&uri)?;
        match command {
            RUN_TESTS => {
                let results = a.run_tests(arg(1)).map_err(Failure::failed)?;
                let failed = results
                    .iter()
                    .filter(|p| p.severity == asylon::analysis::ProblemSeverity::Error)
                    .count();
                let passed = results
                    .iter()
                    .filter(|p| p.severity == asylon::analysis::ProblemSeverity::Info)
                    .count();
                if let Some(state) = self.workspace.policy(&path) {
                    state.tests = results;
                }
                self.publish(&path).map_err(Failure::failed)?;
                Ok(json!({"passed": passed, "failed": failed}))
            }
            EVALUATE => {
                let facts_text;
                let input = match arg(2) {
                    None => FactsInput::FirstTest,
                    Some(facts) => {
                        facts_text = std::fs::read_to_string(facts)
                            .map_err(|e| Failure::failed(format!("cannot read `{facts}`: {e}")))?;
                        let as_of = crate::cli::date_or_today(arg(3)).map_err(Failure::params)?;
                        FactsInput::Json {
                            name: facts,
                            text: &facts_text,
                            as_of,
                        }
                    }
                };
                let outcome = arg(1)
                    .ok_or_else(|| Failure::params("the second argument is the outcome's id"))?;
                let result = a.evaluate(outcome, input).map_err(Failure::failed)?;
                self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
                    typ: lsp::MessageType::INFO,
                    message: result.summary(),
                })
                .map_err(Failure::failed)?;
                Ok(json!({
                    "outcome": result.outcome,
                    "status": result.status.as_str(),
                    "missing": result.missing,
                    "against": result.against,
                }))
            }
            _ => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("no command `{command}`"),
            )),
        }
    }

    fn document(
        &mut self,
        uri: &lsp::Url,
    ) -> Result<
        (
            std::sync::Arc<asylon::analysis::Analysis>,
            asylon::internal::source::FileId,
        ),
        Failure,
    > {
        let path = convert::path_of(uri).ok_or_else(|| Failure::params("not a file URI"))?;
        self.workspace
            .file(&path)
            .ok_or_else(|| Failure::failed(format!("`{}` is not a policy file", path.display())))
    }

    fn at(
        &mut self,
        p: &lsp::TextDocumentPositionParams,
    ) -> Result<
        (
            std::sync::Arc<asylon::analysis::Analysis>,
            asylon::internal::source::FileId,
            usize,
        ),
        Failure,
    > {
        let (a, file) = self.document(&p.text_document.uri)?;
        let at = convert::offset(&a, file, p.position);
        Ok((a, file, at))
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params).map_err(Failure::params)
}

fn document_symbol(
    a: &asylon::analysis::Analysis,
    o: &asylon::analysis::OutlineItem,
) -> lsp::DocumentSymbol {
    #[expect(deprecated, reason = "the protocol's struct still has the field")]
    lsp::DocumentSymbol {
        name: o.name.clone(),
        detail: None,
        kind: convert::symbol_kind(o.kind),
        tags: None,
        deprecated: None,
        range: convert::range(a, o.span),
        selection_range: convert::range(a, o.name_span),
        children: (!o.children.is_empty())
            .then(|| o.children.iter().map(|c| document_symbol(a, c)).collect()),
    }
}

/// An answer as JSON.
fn answer<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(Failure::failed)
}
