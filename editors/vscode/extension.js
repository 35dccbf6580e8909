// Starts `lsmc lsp` for the Inmanta files of the workspace; the server does the rest.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function createClient() {
  const config = vscode.workspace.getConfiguration("lsmc");
  const server = {
    command: config.get("path") || "lsmc",
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  return new LanguageClient(
    "lsmc",
    "lsmc",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "inmanta" }],
      initializationOptions: config.get("initializationOptions"),
      // Files changed outside the editor (a git checkout, a generator) are checked again.
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.cf,project.yml,module.yml}"),
      },
    },
  );
}

async function activate(context) {
  client = createClient();
  context.subscriptions.push(
    vscode.commands.registerCommand("lsmc.restart", async () => {
      if (client) {
        await client.stop();
      }
      client = createClient();
      await client.start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("lsmc.path") || event.affectsConfiguration("lsmc.initializationOptions")) {
        await vscode.commands.executeCommand("lsmc.restart");
      }
    }),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
