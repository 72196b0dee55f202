// The asylon extension: starts `asylon lsp` and lets the server do the work
// (diagnostics, hover, navigation, rename, completion, formatting, code lenses).
// The one command of its own asks for a fact file, then has the server evaluate.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const command = vscode.workspace.getConfiguration("asylon").get("server.path") || "asylon";
  client = new LanguageClient(
    "asylon",
    "asylon",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ scheme: "file", language: "asylon" }],
      synchronize: {
        // Files of a policy folder created, changed or removed outside the editor.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.asylon"),
      },
    }
  );
  return client.start();
}

async function evaluateWithFacts(uri, outcome) {
  if (!uri || !outcome) {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== "asylon") {
      vscode.window.showErrorMessage("Open a policy file, then use the Evaluate lens over an outcome.");
      return;
    }
    uri = editor.document.uri.toString();
    outcome = await vscode.window.showInputBox({ prompt: "The outcome's id" });
    if (!outcome) return;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { "Fact files": ["json"] },
    openLabel: "Evaluate with these facts",
  });
  if (!picked || picked.length === 0) return;
  const asOf = vscode.workspace.getConfiguration("asylon").get("evaluate.asOf");
  const args = [uri, outcome, picked[0].fsPath];
  if (asOf) args.push(asOf);
  // The server shows the result (holds, does not hold or unknown, with the missing facts).
  await client.sendRequest("workspace/executeCommand", { command: "asylon.evaluate", arguments: args });
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("asylon.evaluateWithFacts", evaluateWithFacts),
    vscode.commands.registerCommand("asylon.restartServer", async () => {
      if (client) await client.stop();
      await start();
    })
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
